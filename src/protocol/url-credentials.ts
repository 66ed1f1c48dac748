/**
 * Credentials in URLs (a password or token in the user part, a secret query or fragment parameter),
 * taken out before a URL is stored, published to the fleet, printed or logged. Plain string work, not
 * Node's or the browser's `URL`: git's scp-like `user@host:path` is no URL to them, and they re-encode
 * what they print. A user name alone stays for ssh (`git@host:team/app`) and PostgreSQL
 * (`postgres://wtp_laptop:***@…`), where it says how to log in (a password beside it still goes); for
 * every other scheme the whole user part goes: GitHub, GitLab and Bitbucket take a token as user name.
 */

/** Schemes whose user name is a login, not a secret: kept (a password beside it is not). */
const USER_KEPT = new Set(['ssh', 'git+ssh', 'ssh+git', 'postgres', 'postgresql', 'sftp']);

/** Query and fragment parameters whose value is a secret, by their name without case, `-` or `_`. */
const SECRET_NAMES = new Set([
  'token',
  'privatetoken',
  'accesstoken',
  'authtoken',
  'oauthtoken',
  'idtoken',
  'refreshtoken',
  'jobtoken',
  'bearer',
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'clientsecret',
  'key',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'sig',
  'signature',
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogsignature',
  'xgoogcredential',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'code',
  'session',
  'sessionid',
  'sid',
  'ticket',
]);
/** Names that hold one of these words are secret too (`github_pat`, `x-api-key`, `db_password`). */
const SECRET_WORDS = /token|secret|passw|pwd|signature|credential|apikey|accesskey|privatekey|auth|pat$/;

/** Whether a query parameter's name says its value is a secret. */
export function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // a malformed escape: judged as written
  }
  const bare = decoded.toLowerCase().replace(/[-_.\s]/g, '');
  return SECRET_NAMES.has(bare) || SECRET_WORDS.test(bare);
}

/** What is done with a secret: taken out (stored, keyed) or shown as `***` (printed, logged). */
export type CredentialMode = 'strip' | 'mask';

const MASK = '***';

/** `a=1&token=x` without (or masking) its secret parameters; `;` separates too. */
function cleanParams(params: string, mode: CredentialMode): string {
  const kept: string[] = [];
  for (const part of params.split(/([&;])/)) {
    if (part === '&' || part === ';') {
      kept.push(part);
      continue;
    }
    const eq = part.indexOf('=');
    if (eq < 0 || !isSecretParam(part.slice(0, eq))) kept.push(part);
    else if (mode === 'mask') kept.push(`${part.slice(0, eq)}=${MASK}`);
    else kept.push('');
  }
  // Separators left around what was taken out go too.
  return kept
    .join('')
    .replace(/[&;]{2,}/g, (s) => s.charAt(0))
    .replace(/^[&;]+|[&;]+$/g, '');
}

/** The user part of an authority as it may stay: a login name for USER_KEPT schemes, else nothing. */
function cleanUser(scheme: string, userinfo: string, mode: CredentialMode): string {
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  if (USER_KEPT.has(scheme) && user !== '') {
    if (colon < 0) return `${user}@`;
    return mode === 'mask' ? `${user}:${MASK}@` : `${user}@`;
  }
  return mode === 'mask' ? `${MASK}@` : '';
}

const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/s;

/**
 * The URL without its credentials (`strip`: stored, published, keyed) or with them shown as `***`
 * (`mask`: printed, logged). Anything else — a local path, git's scp-like `user@host:path` (which
 * has no password), a string that is no URL — is returned as it is.
 */
export function withoutCredentials(url: string, mode: CredentialMode = 'strip'): string {
  const m = SCHEME_URL.exec(url);
  if (!m) return url;
  const scheme = (m[1] ?? '').toLowerCase();
  const authority = m[2] ?? '';
  // The host begins after the last `@` (a password with an unescaped `@` is still all user part);
  // without one, `user:secret` cut before its `@` is no `host:port` (a port is digits).
  const cut = authority.indexOf('@') < 0 && /^[^[\]:]*:(?![0-9]*$)/.test(authority);
  const at = cut ? authority.length : authority.lastIndexOf('@');
  const user = at < 0 ? '' : cleanUser(scheme, authority.slice(0, at), mode);
  const host = at < 0 ? authority : authority.slice(at + 1);
  if (cut) return `${m[1] ?? ''}://${mode === 'mask' ? `${MASK}@` : ''}`;
  let query = m[4] ?? '';
  if (query !== '') {
    const params = cleanParams(query.slice(1), mode);
    query = params === '' ? '' : `?${params}`;
  }
  let fragment = m[5] ?? '';
  if (fragment.includes('=')) {
    const params = cleanParams(fragment.slice(1), mode);
    fragment = params === '' ? '' : `#${params}`;
  }
  return `${m[1] ?? ''}://${user}${host}${m[3] ?? ''}${query}${fragment}`;
}

/** Whether the URL carries a credential (`withoutCredentials` would change it). */
export function hasCredentials(url: string): boolean {
  return withoutCredentials(url) !== url;
}

/**
 * Every URL in a text with its credentials shown as `***` (git's stderr, a log line, an error
 * message). A URL ends at white space, a quote, `<`, `>`, a backslash (JSON's escapes) or a
 * control character.
 */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>\\`\u0000-\u001f\u007f]+/g, (u) =>
    withoutCredentials(u, 'mask'),
  );
}

/**
 * A repository as the fleet keys it (tasks name it, machines announce theirs): its remote URL
 * without credentials, scheme and host in lower case, without a trailing `/` or `.git` —
 * `https://user:tok@GitHub.com/team/app.git/` and `https://github.com/team/app` are one repository.
 * Different transports (https and ssh) stay different keys.
 */
export function repoKey(url: string): string {
  const clean = withoutCredentials(url.trim());
  const lower = clean.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*@)?([^/?#]*)/,
    (_all, scheme: string, user: string | undefined, host: string) =>
      `${scheme.toLowerCase()}${user ?? ''}${host.toLowerCase()}`,
  );
  return lower
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}
