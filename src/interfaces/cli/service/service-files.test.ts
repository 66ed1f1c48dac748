import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LAUNCHD_LABEL,
  launchdPlist,
  systemdEnvFile,
  systemdEnvLine,
  systemdQuote,
  systemdUnit,
  type ServiceSpec,
} from './service-files.js';

/** Paths as a user may have them: a space, a quote, a backslash, `%` and `$` (systemd expands both). */
const odd = mkdtempSync(join(tmpdir(), 'wtp svc "a" 100% $HOME\\x '));
afterAll(() => rmSync(odd, { recursive: true, force: true }));
const spec: ServiceSpec = {
  node: process.execPath,
  entry: join(odd, 'dist', 'wtp.js'),
  env: { PATH: '/usr/local/bin:/usr/bin:/bin', WTP_HOME: join(odd, 'home & <co>') },
  secretEnv: { WTP_FLEET_URL: 'postgres://wtp_m1:pa$$\'w"d%@db/fleet' },
  envFile: join(odd, 'home', 'service.env'),
  logFile: join(odd, 'home', 'logs', 'service.log'),
};

/**
 * systemd's reading of one quoted word (systemd.syntax(7)), then its specifier expansion undone, and
 * its variable expansion where the line has one (`ExecStart=`; in `Environment=` `$` is plain text).
 */
function systemdWord(quoted: string, expands = true): string {
  expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
  const text = quoted.slice(1, -1).replace(/\\(.)/g, '$1').replace(/%%/g, '%');
  return expands ? text.replace(/\$\$/g, '$') : text;
}

/** systemd's env-file parser for one line this code writes: single-quoted as it is, or double-quoted with escapes. */
function envFileValue(line: string): [string, string] {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
  expect(m).not.toBeNull();
  const raw = m?.[2] ?? '';
  if (raw.startsWith("'")) {
    expect(raw.endsWith("'") && !raw.slice(1, -1).includes("'")).toBe(true);
    return [m?.[1] ?? '', raw.slice(1, -1)];
  }
  expect(raw.startsWith('"') && raw.endsWith('"')).toBe(true);
  return [m?.[1] ?? '', raw.slice(1, -1).replace(/\\([\\"`$])/g, '$1')];
}

describe('the systemd user unit', () => {
  const unit = systemdUnit(spec);

  it('runs `node dist/wtp.js up` with every word quoted, restarts on failure with a back-off, and stops only the daemon', () => {
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const words = exec.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(words.map((w) => systemdWord(w))).toEqual([spec.node, spec.entry, 'up']);
    const envs = [...unit.matchAll(/^Environment=(.*)$/gm)].map((m) => systemdWord(m[1] ?? '', false));
    // `$HOME` in the folder's name stays `$HOME` (a `$$` there would reach the daemon as two).
    expect(envs).toEqual([`PATH=${spec.env.PATH}`, `WTP_HOME=${spec.env.WTP_HOME}`]);
    expect(spec.env.WTP_HOME).toContain('$HOME');
    // The fleet URL's password is not in the unit: it names the 0600 environment file instead.
    expect(unit).not.toContain('wtp_m1');
    expect(/^EnvironmentFile=(.*)$/m.exec(unit)?.[1]?.replace(/%%/g, '%')).toBe(spec.envFile);
    for (const line of [
      'Restart=on-failure',
      'RestartSec=5',
      'StartLimitBurst=5',
      'KillMode=process',
      'WantedBy=default.target',
    ])
      expect(unit.split('\n')).toContain(line);
  });

  it('refuses a newline, which would end the line in the file', () => {
    expect(() => systemdQuote('a\nExecStartPre=/bin/evil')).toThrow('a newline or NUL');
  });

  it('writes the secret settings to its environment file, each value read back as it was', () => {
    const lines = systemdEnvFile(spec)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.map(envFileValue)).toEqual([['WTP_FLEET_URL', spec.secretEnv.WTP_FLEET_URL]]);
    for (const v of ['plain', "it's", 'a "q" $x `y` \\z', '%h $HOME'])
      expect(envFileValue(systemdEnvLine('K', v))).toEqual(['K', v]);
    expect(() => systemdEnvLine('K', 'a\nEVIL=1')).toThrow('a newline or NUL');
    expect(() => systemdEnvLine('A B', 'x')).toThrow('not a variable name');
    // Without secrets, no EnvironmentFile line.
    expect(systemdUnit({ ...spec, secretEnv: {} })).not.toContain('EnvironmentFile=');
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.runIf(analyze)('passes `systemd-analyze verify` without a warning', () => {
    const file = join(odd, 'wtp.service');
    writeFileSync(file, systemdUnit({ ...spec, entry: file })); // ExecStart must name a file that exists
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    // And it does warn about a bad line: the check is not blind.
    writeFileSync(
      file,
      systemdUnit({ ...spec, entry: file }).replace('KillMode=process', 'KillMode=sometimes'),
    );
    const bad = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' }).stderr;
    expect(bad).toContain('Failed to parse kill mode specification, ignoring: sometimes');
  });
});

type Plist = string | number | boolean | Plist[] | { [k: string]: Plist };

/** A strict reader of the XML plist subset launchd takes (dict, key, string, integer, true, false, array). */
function readPlist(text: string): Plist {
  const body = text
    .replace(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE plist [^>]+>\n(<!--[^]*?-->\n)?<plist version="1\.0">\n/,
      '',
    )
    .replace(/\n<\/plist>\n$/, '');
  const tokens = body.match(/<[^>]+>|[^<]+/g)?.filter((t) => t.trim() !== '') ?? [];
  let i = 0;
  const unescape = (s: string) => {
    expect(s).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
    return s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  };
  const text_ = (close: string): string => {
    const t = tokens[i] === close ? '' : (tokens[i++] ?? '');
    expect(tokens[i++]).toBe(close);
    return unescape(t);
  };
  const value = (): Plist => {
    const t = tokens[i++];
    switch (t) {
      case '<string>':
        return text_('</string>');
      case '<integer>':
        return Number(text_('</integer>'));
      case '<true/>':
        return true;
      case '<false/>':
        return false;
      case '<array>': {
        const out: Plist[] = [];
        while (tokens[i] !== '</array>') out.push(value());
        i++;
        return out;
      }
      case '<dict>': {
        const out: Record<string, Plist> = {};
        while (tokens[i] !== '</dict>') {
          expect(tokens[i++]).toBe('<key>');
          const k = text_('</key>');
          out[k] = value();
        }
        i++;
        return out;
      }
      default:
        throw new Error(`unexpected ${t}`);
    }
  };
  const v = value();
  expect(i).toBe(tokens.length);
  return v;
}

describe('the launchd agent (macOS)', () => {
  it('is a well-formed plist with the keys and types launchd reads, every path escaped', () => {
    expect(readPlist(launchdPlist(spec))).toEqual({
      Label: LAUNCHD_LABEL,
      ProgramArguments: [spec.node, spec.entry, 'up'],
      // launchd has no environment file: the secret goes in the plist, which install writes 0600.
      EnvironmentVariables: { ...spec.env, ...spec.secretEnv },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 10,
      AbandonProcessGroup: true,
      StandardOutPath: spec.logFile,
      StandardErrorPath: spec.logFile,
    });
  });

  it('refuses a control character, which XML cannot carry', () => {
    expect(() => launchdPlist({ ...spec, env: { PATH: 'a\u0001b' } })).toThrow('a control character');
  });
});
