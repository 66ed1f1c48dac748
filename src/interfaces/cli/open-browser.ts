import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How long to watch the opener for a quick failure (e.g. xdg-open without a desktop exits 3). */
const OPENER_WATCH_MS = 1_500;

export type OpenResult = { opened: true } | { opened: false; reason: string };

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A 0600 HTML file in the 0700 run dir that forwards the browser to `url`. The opener gets
 * this file's path, not the URL: command lines are readable by every local user (ps,
 * /proc), and the one-time code in them could be spent by someone else first.
 */
export function writeRedirectFile(runDir: string, url: string): string {
  const file = join(runDir, 'dashboard-open.html');
  const href = escapeHtml(url);
  writeFileSync(
    file,
    `<!doctype html>\n<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${href}"><title>wezterm-parallel dashboard</title></head>` +
      `<body><p><a href="${href}">Open the wezterm-parallel dashboard</a></p></body></html>\n`,
    { mode: 0o600 },
  );
  return file;
}

/** The desktop's opener: `open` on macOS, `xdg-open` elsewhere on Unix; none on Windows. */
export function openerFor(platform: NodeJS.Platform): string | null {
  if (platform === 'darwin') return 'open';
  if (platform === 'win32') return null;
  return 'xdg-open';
}

/**
 * Opens `target` (a file path or URL) with the desktop's opener, spawned with an argument
 * array and detached: the browser it starts outlives us on purpose. A spawn error or an exit
 * status other than 0 within OPENER_WATCH_MS counts as a failure; still running then counts
 * as opened (some openers wait for the browser).
 */
export function openWithDesktop(
  target: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<OpenResult> {
  const command = openerFor(platform);
  if (command === null) return Promise.resolve({ opened: false, reason: `no opener on ${platform}` });
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const child = spawn(command, [target], { detached: true, env, stdio: 'ignore' });
    const done = (r: OpenResult): void => {
      clearTimeout(timer);
      child.removeAllListeners();
      child.on('error', () => undefined);
      child.unref();
      resolve(r);
    };
    child.once('error', (err: NodeJS.ErrnoException) =>
      done({ opened: false, reason: `${command}: ${err.code === 'ENOENT' ? 'not found' : err.message}` }),
    );
    child.once('exit', (code, signal) =>
      done(
        code === 0 ? { opened: true } : { opened: false, reason: `${command} exited with ${code ?? signal}` },
      ),
    );
    child.once('spawn', () => {
      timer = setTimeout(() => done({ opened: true }), OPENER_WATCH_MS);
    });
  });
}

/** Opens the one-time dashboard URL through a redirect file (see writeRedirectFile). */
export function openDashboard(runDir: string, url: string, env: NodeJS.ProcessEnv): Promise<OpenResult> {
  let file: string;
  try {
    file = writeRedirectFile(runDir, url);
  } catch (err) {
    return Promise.resolve({ opened: false, reason: `cannot write the redirect page: ${String(err)}` });
  }
  return openWithDesktop(file, env);
}
