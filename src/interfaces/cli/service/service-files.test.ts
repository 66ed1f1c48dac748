import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAUNCHD_LABEL, launchdPlist, systemdQuote, systemdUnit, type ServiceSpec } from './service-files.js';

/** Paths as a user may have them: a space, a quote, a backslash, `%` and `$` (systemd expands both). */
const odd = mkdtempSync(join(tmpdir(), 'wtp svc "a" 100% $HOME\\x '));
afterAll(() => rmSync(odd, { recursive: true, force: true }));
const spec: ServiceSpec = {
  node: process.execPath,
  entry: join(odd, 'dist', 'wtp.js'),
  env: { PATH: '/usr/local/bin:/usr/bin:/bin', WTP_HOME: join(odd, 'home & <co>') },
  logFile: join(odd, 'home', 'logs', 'service.log'),
};

/** systemd's reading of one quoted word (systemd.syntax(7)), then its specifier and variable expansion undone. */
function systemdWord(quoted: string): string {
  expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1').replace(/%%/g, '%').replace(/\$\$/g, '$');
}

describe('the systemd user unit', () => {
  const unit = systemdUnit(spec);

  it('runs `node dist/wtp.js up` with every word quoted, restarts on failure with a back-off, and stops only the daemon', () => {
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const words = exec.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(words.map(systemdWord)).toEqual([spec.node, spec.entry, 'up']);
    const envs = [...unit.matchAll(/^Environment=(.*)$/gm)].map((m) => systemdWord(m[1] ?? ''));
    expect(envs).toEqual([`PATH=${spec.env.PATH}`, `WTP_HOME=${spec.env.WTP_HOME}`]);
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
      EnvironmentVariables: spec.env,
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
