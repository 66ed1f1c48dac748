/**
 * The files that make the daemon start at login and come back after a failure: a systemd user unit
 * (Linux) and a launchd agent (macOS). Pure: what to write, from absolute paths and an environment.
 */
export interface ServiceSpec {
  /** Absolute path of node, then of the bundled entry (dist/wtp.js). */
  node: string;
  entry: string;
  /** The daemon's PATH (tmux, git, agent CLIs) and the settings it was installed with, not secret. */
  env: Record<string, string>;
  /** The fleet URL with its password: not in the world-readable unit but a 0600 env file (or plist). */
  secretEnv: Record<string, string>;
  /** Where the systemd EnvironmentFile with `secretEnv` is written (in the 0700 state folder). */
  envFile: string;
  /** Where launchd writes the daemon's stdout and stderr (systemd keeps them in the journal). */
  logFile: string;
}

export const SYSTEMD_UNIT = 'wtp.service';
export const LAUNCHD_LABEL = 'dev.wezterm-parallel.daemon';

const noLineBreak = (text: string, where: string): void => {
  if (/[\0\n\r]/.test(text))
    throw new Error(`a newline or NUL cannot be put in ${where}: ${JSON.stringify(text)}`);
};

/**
 * One word of a systemd command line (systemd.syntax(7), systemd.service(5)): quoted, `\\`, `"` and
 * the `%` of specifiers escaped; `$` doubled where the line expands variables (`ExecStart=`), kept as
 * it is in an `Environment=` assignment, where "$ has no special meaning" (systemd.exec(5)).
 */
export function systemdQuote(word: string, o: { expands: boolean } = { expands: true }): string {
  noLineBreak(word, 'a unit file');
  const quoted = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  return `"${o.expands ? quoted.replace(/\$/g, '$$$$') : quoted}"`;
}

/**
 * One line of a systemd EnvironmentFile: the value single-quoted (taken as it is), or — when it holds
 * a `'` — double-quoted with `\\`, `"`, `` ` `` and `$` escaped (systemd.exec(5), its env-file parser).
 */
export function systemdEnvLine(key: string, value: string): string {
  noLineBreak(value, 'an environment file');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not a variable name: ${JSON.stringify(key)}`);
  if (!value.includes("'")) return `${key}='${value}'`;
  return `${key}="${value.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

/** The EnvironmentFile's text: the secret settings, one per line. */
export function systemdEnvFile(s: ServiceSpec): string {
  return [
    '# Written by `wtp service install` (0600): the daemon settings kept out of its unit file.',
    ...Object.entries(s.secretEnv).map(([k, v]) => systemdEnvLine(k, v)),
    '',
  ].join('\n');
}

function envFilePath(path: string): string {
  noLineBreak(path, 'a unit file');
  return path.replace(/%/g, '%%');
}

export function systemdUnit(s: ServiceSpec): string {
  return [
    '# Written by `wtp service install`; `wtp service uninstall` removes it.',
    '[Unit]',
    'Description=wezterm-parallel daemon (wtp)',
    // At most 5 starts in 5 minutes, then systemd stops trying (`systemctl --user reset-failed wtp`).
    'StartLimitIntervalSec=300',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[s.node, s.entry, 'up'].map((w) => systemdQuote(w)).join(' ')}`,
    ...Object.entries(s.env).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`, { expands: false })}`),
    // A path is taken whole there; only `%` specifiers are expanded (systemd.unit(5)).
    ...(Object.keys(s.secretEnv).length > 0 ? [`EnvironmentFile=${envFilePath(s.envFile)}`] : []),
    'Restart=on-failure',
    'RestartSec=5',
    // Only the daemon is stopped: its agents (hosts in their own sessions, the tmux server) live on,
    // as they do across any daemon restart.
    'KillMode=process',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

const xml = (text: string): string => {
  if (/[\0-\x08\x0b\x0c\x0e-\x1f]/.test(text))
    throw new Error(`a control character cannot be put in a plist: ${JSON.stringify(text)}`);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
};

export function launchdPlist(s: ServiceSpec): string {
  const str = (v: string) => `<string>${xml(v)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `wtp service install`; `wtp service uninstall` removes it. -->',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  ${str(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...[s.node, s.entry, 'up'].map((a) => `    ${str(a)}`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...Object.entries({ ...s.env, ...s.secretEnv }).flatMap(([k, v]) => [
      `    <key>${xml(k)}</key>`,
      `    ${str(v)}`,
    ]),
    '  </dict>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    // Started again when it exits with an error, not after `wtp down` (a clean exit).
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    // At most one start every 10 s.
    '  <key>ThrottleInterval</key>',
    '  <integer>10</integer>',
    // The agents the daemon started live on when it stops.
    '  <key>AbandonProcessGroup</key>',
    '  <true/>',
    '  <key>StandardOutPath</key>',
    `  ${str(s.logFile)}`,
    '  <key>StandardErrorPath</key>',
    `  ${str(s.logFile)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
