/**
 * The files that make the daemon start at login and come back after a failure: a systemd user unit
 * (Linux) and a launchd agent (macOS). Pure: what to write, from absolute paths and an environment.
 */
export interface ServiceSpec {
  /** Absolute path of node, then of the bundled entry (dist/wtp.js). */
  node: string;
  entry: string;
  /** Environment of the daemon: PATH (where it finds tmux, git and the agent CLIs), WTP_HOME if set. */
  env: Record<string, string>;
  /** Where launchd writes the daemon's stdout and stderr (systemd keeps them in the journal). */
  logFile: string;
}

export const SYSTEMD_UNIT = 'wtp.service';
export const LAUNCHD_LABEL = 'dev.wezterm-parallel.daemon';

/** One word of a systemd command line or assignment (systemd.syntax(7), systemd.service(5)): quoted, `\\`, `"`, `%` and `$` escaped. */
export function systemdQuote(word: string): string {
  if (/[\0\n\r]/.test(word))
    throw new Error(`a newline or NUL cannot be put in a unit file: ${JSON.stringify(word)}`);
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
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
    `ExecStart=${[s.node, s.entry, 'up'].map(systemdQuote).join(' ')}`,
    ...Object.entries(s.env).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`),
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
    ...Object.entries(s.env).flatMap(([k, v]) => [`    <key>${xml(k)}</key>`, `    ${str(v)}`]),
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
