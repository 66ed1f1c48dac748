import { describe, expect, it } from 'vitest';
import {
  hasCredentials,
  isSecretParam,
  maskUrlCredentials,
  repoKey,
  withoutCredentials,
} from './url-credentials.js';

/** Secrets an attacker (or a careless user) puts in remote URLs; none may survive `strip` or `mask`. */
const SECRETS = [
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'glpat-xYz123',
  'hunter2',
  's3cr%40t',
  'AKIAxyz',
];

/** [URL as given, stripped (stored, keyed), masked (printed)]. */
const CORPUS: [string, string, string][] = [
  // https with user and token, token as user, token as password of an oauth2 user
  [
    'https://user:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/team/app.git',
    'https://github.com/team/app.git',
    'https://***@github.com/team/app.git',
  ],
  [
    'https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/team/app.git',
    'https://github.com/team/app.git',
    'https://***@github.com/team/app.git',
  ],
  [
    'https://oauth2:glpat-xYz123@gitlab.example.com/team/app.git',
    'https://gitlab.example.com/team/app.git',
    'https://***@gitlab.example.com/team/app.git',
  ],
  // a password with an unescaped `@`, and an escaped one
  ['https://me:hunter2@x@host.example/r.git', 'https://host.example/r.git', 'https://***@host.example/r.git'],
  ['https://me:s3cr%40t@host.example/r.git', 'https://host.example/r.git', 'https://***@host.example/r.git'],
  // secret query parameters, alone and among others, in any case, with - and _
  [
    'https://gitlab.example/team/app.git?private_token=glpat-xYz123',
    'https://gitlab.example/team/app.git',
    'https://gitlab.example/team/app.git?private_token=***',
  ],
  [
    'https://host.example/r.git?ref=main&Access_Token=glpat-xYz123&x=1',
    'https://host.example/r.git?ref=main&x=1',
    'https://host.example/r.git?ref=main&Access_Token=***&x=1',
  ],
  [
    'https://bucket.s3.example/r.tar?X-Amz-Credential=AKIAxyz&X-Amz-Signature=hunter2',
    'https://bucket.s3.example/r.tar',
    'https://bucket.s3.example/r.tar?X-Amz-Credential=***&X-Amz-Signature=***',
  ],
  [
    'https://blob.example/r?sv=1;sig=hunter2;key=AKIAxyz',
    'https://blob.example/r?sv=1',
    'https://blob.example/r?sv=1;sig=***;key=***',
  ],
  ['https://h.example/r?password=hunter2', 'https://h.example/r', 'https://h.example/r?password=***'],
  ['https://h.example/r?github_pat=hunter2', 'https://h.example/r', 'https://h.example/r?github_pat=***'],
  ['https://h.example/r?tok%65n=hunter2', 'https://h.example/r', 'https://h.example/r?tok%65n=***'],
  // OAuth's implicit flow puts the token in the fragment
  [
    'https://h.example/cb#access_token=hunter2&state=1',
    'https://h.example/cb#state=1',
    'https://h.example/cb#access_token=***&state=1',
  ],
  // user and password over ssh: the user stays, the password goes
  [
    'ssh://git:hunter2@host.example/team/app.git',
    'ssh://git@host.example/team/app.git',
    'ssh://git:***@host.example/team/app.git',
  ],
  [
    'ssh://git@host.example:2222/team/app.git',
    'ssh://git@host.example:2222/team/app.git',
    'ssh://git@host.example:2222/team/app.git',
  ],
  ['git+ssh://me@host.example/r', 'git+ssh://me@host.example/r', 'git+ssh://me@host.example/r'],
  // git:// and ftp: any user part goes
  ['git://hunter2@host.example/r.git', 'git://host.example/r.git', 'git://***@host.example/r.git'],
  ['ftp://me:hunter2@host.example/r', 'ftp://host.example/r', 'ftp://***@host.example/r'],
  // PostgreSQL: the role stays, its password goes (as `wtp fleet` shows it)
  [
    'postgres://wtp_m1:hunter2@db.example:5432/fleet?sslmode=verify-full&password=hunter2',
    'postgres://wtp_m1@db.example:5432/fleet?sslmode=verify-full',
    'postgres://wtp_m1:***@db.example:5432/fleet?sslmode=verify-full&password=***',
  ],
  // cut before its `@`: `user:secret` is no host:port
  ['https://user:hunter2', 'https://', 'https://***@'],
  // nothing to take out
  ['https://github.com/team/app.git', 'https://github.com/team/app.git', 'https://github.com/team/app.git'],
  ['https://h.example:8443/r.git', 'https://h.example:8443/r.git', 'https://h.example:8443/r.git'],
  ['https://[::1]:8443/r.git', 'https://[::1]:8443/r.git', 'https://[::1]:8443/r.git'],
  ['git@github.com:team/app.git', 'git@github.com:team/app.git', 'git@github.com:team/app.git'],
  ['/srv/git/app.git', '/srv/git/app.git', '/srv/git/app.git'],
  ['../app.git', '../app.git', '../app.git'],
  ['file:///srv/git/app.git', 'file:///srv/git/app.git', 'file:///srv/git/app.git'],
  ['', '', ''],
];

describe('credentials in URLs', () => {
  it.each(CORPUS)('%s', (url, stripped, masked) => {
    expect(withoutCredentials(url)).toBe(stripped);
    expect(withoutCredentials(url, 'mask')).toBe(masked);
    expect(hasCredentials(url)).toBe(url !== stripped);
    for (const secret of SECRETS) {
      expect(withoutCredentials(url)).not.toContain(secret);
      expect(withoutCredentials(url, 'mask')).not.toContain(secret);
    }
    // Stripping is idempotent: what is stored is already clean.
    expect(withoutCredentials(stripped)).toBe(stripped);
  });

  it('names secret parameters generously', () => {
    for (const name of [
      'token',
      'PRIVATE-TOKEN',
      'access_token',
      'api_key',
      'apiKey',
      'x-api-key',
      'sig',
      'key',
      'password',
      'db_passwd',
      'client_secret',
      'auth',
      'X-Goog-Signature',
      'session_id',
      'code',
    ]) {
      expect(isSecretParam(name), name).toBe(true);
    }
    for (const name of ['ref', 'branch', 'sslmode', 'sslrootcert', 'sv', 'state', 'x', 'monkey']) {
      expect(isSecretParam(name), name).toBe(false);
    }
  });

  it('masks every URL in a text: git’s stderr, a log line (JSON), an error message', () => {
    const text = [
      'To https://user:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/team/app.git',
      'remote: https://gitlab.example/team/app.git?private_token=glpat-xYz123 moved',
      '{"msg":"push","url":"https://oauth2:glpat-xYz123@gitlab.example/r.git","n":1}',
      "fatal: unable to access 'https://me:hunter2@host.example/r.git/': Could not resolve host",
      'git@github.com:team/app.git stays; so does https://github.com/team/app',
    ].join('\n');
    const out = maskUrlCredentials(text);
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toContain('To https://***@github.com/team/app.git');
    expect(out).toContain('?private_token=*** moved');
    expect(out).toContain('"url":"https://***@gitlab.example/r.git","n":1}');
    expect(out).toContain("'https://***@host.example/r.git/'");
    expect(out).toContain('git@github.com:team/app.git stays; so does https://github.com/team/app');
    expect(maskUrlCredentials('no url here')).toBe('no url here');
  });

  it('keys a repository without credentials: with and without them it is one repository', () => {
    const same = [
      'https://github.com/team/app',
      'https://github.com/team/app.git',
      'https://github.com/team/app/',
      'https://GitHub.com/team/app.git/',
      '  https://user:ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/team/app.git\n',
      'https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/team/app.git',
      'https://github.com/team/app.git?access_token=hunter2',
    ];
    for (const url of same) expect(repoKey(url), url).toBe('https://github.com/team/app');
    // The path's case is the server's business; another transport is another key.
    expect(repoKey('https://github.com/Team/App')).toBe('https://github.com/Team/App');
    expect(repoKey('ssh://git:hunter2@github.com/team/app.git')).toBe('ssh://git@github.com/team/app');
    expect(repoKey('git@github.com:team/app.git')).toBe('git@github.com:team/app');
    expect(repoKey('/srv/git/app.git/')).toBe('/srv/git/app');
  });
});
