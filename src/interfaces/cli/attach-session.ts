import type { WtpClient } from '../../client/wtp-client.js';
import { AppError } from '../../protocol/app-error.js';
import { openSocket } from './open-socket.js';

/** Detach keys: ctrl-a … ctrl-z and ctrl-] ctrl-\ ctrl-^ ctrl-_ (Ctrl-] by default, like telnet). */
export function detachByte(key: string): number | null {
  const m = /^ctrl-(.)$/i.exec(key.trim());
  if (!m?.[1]) return null;
  const ch = m[1].toLowerCase();
  if (ch >= 'a' && ch <= 'z') return ch.charCodeAt(0) - 96;
  const special: Record<string, number> = { ']': 0x1d, '\\': 0x1c, '^': 0x1e, _: 0x1f };
  return special[ch] ?? null;
}

/** `ctrl-]` → `Ctrl-]`, as the key is written on keyboards and in the help. */
export function keyName(key: string): string {
  return `Ctrl-${key.trim().slice('ctrl-'.length).toUpperCase()}`;
}

/** Leaves the alternate screen and undoes modes an agent may have set (cursor, paste, mouse, colours). */
const RESTORE = '\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[0m\x1b[?1049l';

export interface AttachOptions {
  /** `ctrl-]` and the like (checked with `detachByte` first). */
  detachKey: string;
  readOnly: boolean;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Recorded with the attach events (`cli-attach`, `tui`). */
  client: string;
  /** Called once connected, before the alternate screen hides the terminal. */
  opened?: () => void;
  /** How the agent is called in what is said afterwards (default: `ref`). */
  name?: string;
  /**
   * The caller reads stdin next (the TUI): leave it reading. A paused stdin never tells a new
   * 'readable' listener (Ink's) about keys, so the TUI came back deaf after a detach.
   */
  keepReading?: boolean;
}

/**
 * An agent's terminal, full-screen on this one (the alternate screen), until the detach key or the
 * agent's exit; resolves to what to say afterwards. `wtp attach` and the TUI's `enter` use it.
 */
export async function attachSession(client: WtpClient, ref: string, o: AttachOptions): Promise<string> {
  const key = detachByte(o.detachKey);
  if (key === null) throw new AppError('INVALID_INPUT', `"${o.detachKey}" is not a ctrl key such as ctrl-]`);
  const { stdin, stdout } = o;
  // Frames are kept from the socket's first one (the snapshot can come with the upgrade's answer,
  // before the code below listens) and handed on, in order, once the screen is ready for them.
  const early: [Buffer, boolean][] = [];
  let onFrame = (data: Buffer, isBinary: boolean): void => void early.push([data, isBinary]);
  const ws = await openSocket(
    client,
    `/api/v1/agents/${encodeURIComponent(ref)}/pty`,
    { snapshot: true, input: !o.readOnly, client: o.client },
    (data, isBinary) => onFrame(data, isBinary),
  );
  o.opened?.();
  const name = o.name ?? ref;
  let note = `detached from ${name} (it keeps running)`;
  let failure: AppError | null = null;
  stdout.write(`\x1b]2;wtp attach ${name} (${o.detachKey} detaches)\x07\x1b[?1049h\x1b[H\x1b[2J`);
  stdin.setRawMode(true);
  stdin.resume();
  const sendSize = (): void => {
    if (o.readOnly) return;
    ws.send(JSON.stringify({ type: 'resize', cols: stdout.columns, rows: stdout.rows }));
  };
  const onInput = (chunk: Buffer | string): void => {
    // Strings when something (the TUI's Ink) set an encoding on stdin: the bytes again.
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const at = buf.indexOf(key);
    if (at >= 0) {
      if (at > 0 && !o.readOnly) ws.send(buf.subarray(0, at), { binary: true });
      ws.close();
      return;
    }
    if (!o.readOnly) ws.send(buf, { binary: true });
  };
  stdin.on('data', onInput);
  stdout.on('resize', sendSize);
  sendSize();
  await new Promise<void>((resolve) => {
    onFrame = (data: Buffer, isBinary: boolean): void => {
      if (isBinary) {
        stdout.write(data);
        return;
      }
      const msg = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (msg.type === 'snapshot' && typeof msg.data === 'string') stdout.write(`\x1b[H\x1b[2J${msg.data}`);
      else if (msg.type === 'exit') note = `${name} is ${String(msg.state)}`;
      else if (msg.type === 'error') failure = AppError.fromBody(undefined, msg.error);
    };
    for (const [data, isBinary] of early.splice(0)) onFrame(data, isBinary);
    // A socket the daemon closed already (the agent had ended) says so no more.
    if (ws.readyState === ws.CLOSED) resolve();
    else ws.on('close', () => resolve());
  });
  stdin.off('data', onInput);
  stdout.off('resize', sendSize);
  stdin.setRawMode(false);
  if (!o.keepReading) stdin.pause();
  stdout.write(RESTORE);
  if (failure) throw failure;
  return note;
}
