import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import { fieldError } from '../route-flags.js';
import { KEY_CHOICES, keyBytesOf } from '../../../protocol/keys.js';
import { isOutputGap, outputGapMarker, type OutputGapView } from '../../../protocol/output-gap.js';
import type { CliContext } from '../context.js';
import { StringDecoder } from 'node:string_decoder';
import { plainText, TerminalFilter } from '../../../protocol/terminal-text.js';
import { openSocket } from '../open-socket.js';
import { readStdin } from '../read-stdin.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';
import { runAction } from '../run-action.js';
import { checkOptions } from '../check-options.js';

/** `logs --tail N` fetches this many bytes per requested line, at least TAIL_MIN_BYTES. */
const TAIL_BYTES_PER_LINE = 512;
const TAIL_MIN_BYTES = 64 * 1024;
/** `logs -f` starts with this many lines, as `tail -f` does. */
const FOLLOW_TAIL_LINES = 10;

function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  const trailing = lines.at(-1) === '' ? 1 : 0;
  return lines.slice(Math.max(0, lines.length - trailing - n)).join('\n');
}

function keyBytes(name: string): string {
  const bytes = keyBytesOf(name);
  if (bytes === undefined) {
    throw fieldError(
      `Unknown key "${name}"; give one of ${KEY_CHOICES}.`,
      '--key',
      `must be one of ${KEY_CHOICES}`,
    );
  }
  return bytes;
}

/** The gaps a `getLogs` answer lists in its `x-wtp-gaps` header (none when absent or unreadable). */
function gapsOf(header: string | string[] | undefined): OutputGapView[] {
  if (typeof header !== 'string') return [];
  try {
    const v: unknown = JSON.parse(header);
    return Array.isArray(v) ? v.filter(isOutputGap) : [];
  } catch {
    return [];
  }
}

/**
 * The log's bytes with a `[wtp: N bytes not written: …]` line where each gap is (the body leaves
 * the gaps out: a gap's place is its offset minus the gap bytes before it).
 */
function withGapMarkers(body: Buffer, from: number, gaps: OutputGapView[]): Buffer {
  const parts: Buffer[] = [];
  let taken = 0;
  let skipped = 0;
  for (const g of gaps) {
    const at = Math.min(body.length, Math.max(0, g.from - from - skipped));
    parts.push(body.subarray(taken, at), Buffer.from(`\r\n${outputGapMarker(g)}\r\n`));
    taken = at;
    skipped += Math.max(0, g.to - Math.max(g.from, from));
  }
  parts.push(body.subarray(taken));
  return Buffer.concat(parts);
}

/**
 * How `wtp logs` prints an agent's output: `raw` the bytes as the agent wrote them
 * (`--raw`); `colours` its SGR colours and text, every other sequence and control character dropped
 * (no cursor moves, titles, clipboard writes or terminal queries; a lone CR starts a new line) — on
 * a terminal, or with `--color`; `plain` the text alone (`--plain`, NO_COLOR, or a file or a pipe).
 */
type LogView = 'raw' | 'colours' | 'plain';

type LogsFlags = { follow?: boolean; plain?: boolean; color?: boolean; raw?: boolean; json?: boolean };

/** The printer of one `wtp logs`: one sanitizer across the log and what follows it. */
function logPrinter(view: LogView): { push(data: Buffer): string | Buffer; end(): string } {
  if (view === 'raw') return { push: (data) => data, end: () => '' };
  const decoder = new StringDecoder('utf8');
  const filter = new TerminalFilter({ controls: 'drop', sgr: view === 'colours' ? 'all' : 'none' });
  return {
    push: (data) => filter.push(decoder.write(data)),
    end: () => filter.push(decoder.end()) + filter.end(),
  };
}

/** Follows live output from byte `from` until the agent exits or the user interrupts. */
async function follow(
  ctx: CliContext,
  ref: string,
  from: number,
  printer: ReturnType<typeof logPrinter>,
  plain: boolean,
): Promise<void> {
  let seq = from;
  // An error frame may come before the wait below exists: kept, and it rejects the wait.
  let failure: AppError | null = null;
  let failed: ((err: unknown) => void) | null = null;
  const onMessage = (data: Buffer, isBinary: boolean): void => {
    if (isBinary) {
      const text = data.toString('utf8');
      if (ctx.json) ctx.emit('logChunk', { agent: ref, seq, data: plain ? plainText(text) : text });
      else ctx.out.write(printer.push(data));
      seq += data.length;
      return;
    }
    const msg = JSON.parse(data.toString('utf8')) as { type: string; error?: unknown };
    if (msg.type === 'error') {
      failure = AppError.fromBody(undefined, msg.error);
      failed?.(failure);
    }
    if (msg.type === 'gap' && isOutputGap(msg)) {
      const gap = { from: msg.from, to: msg.to, reason: msg.reason };
      if (ctx.json) ctx.emit('logGap', { agent: ref, ...gap });
      else ctx.out.write(`\r\n${outputGapMarker(gap)}\r\n`);
      seq = gap.to;
    }
  };
  const ws = await openSocket(
    ctx.client(),
    `/api/v1/agents/${encodeURIComponent(ref)}/pty`,
    { snapshot: false, input: false, from, client: 'cli-logs' },
    onMessage,
  );
  await new Promise<void>((resolve, reject) => {
    failed = reject;
    if (failure !== null) reject(failure);
    ws.on('close', () => {
      if (!ctx.json) ctx.out.write(printer.end());
      resolve();
    });
    process.once('SIGINT', () => ws.close());
  });
}

const peekCommand = routeCommand({
  name: 'peek',
  description: "print the agent's current screen as text (rendered by its terminal emulator)",
  route: 'getScreen',
  args: [{ field: 'params.agent' }],
  json: 'peek',
  jsonDoc: (screen, sent) => ({ agent: sent.params.agent, screen }),
  print: (ctx, screen) => {
    const lines = [...screen.lines];
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    ctx.line(lines.join('\n'));
  },
});

const sendCommand = routeCommand({
  name: 'send',
  description: 'type text into the agent (use - to read it from stdin); recorded in the event log',
  route: 'sendInput',
  args: [{ field: 'params.agent', help: 'name, workspace/name or id' }],
  words: [{ name: 'text', help: 'the text, or - for stdin', optional: true }],
  flags: [
    { field: 'body.enter', help: 'press Enter afterwards (sent separately, after a short delay)' },
    {
      field: 'body.force',
      short: '-f',
      help: 'type even while the agent is working, or into its permission dialog (recorded as your answer to it); refused otherwise',
    },
    { field: 'body.raw', help: "send the text as keystrokes, not as a paste (e.g. $'\\e' for Esc)" },
  ],
  local: [{ flags: '-k, --key <key>', help: `press a key instead of typing text: ${KEY_CHOICES}` }],
  request: async ({ params, body, local }, [text], ctx) => {
    const key = typeof local.key === 'string' ? keyBytes(local.key) : undefined;
    if (key === undefined && text === undefined) {
      throw fieldError('Give the text to type, - for stdin, or --key <key>.', '<text>', 'missing');
    }
    const typed = key ?? (text === '-' ? await readStdin(ctx) : (text ?? ''));
    return { params, body: { ...body, text: typed, ...(key === undefined ? {} : { raw: true }) } };
  },
  json: 'send',
  jsonDoc: (r, sent) => ({ agent: sent.params.agent, bytes: r.bytes, seq: r.seq }),
  print: (ctx, r, sent) =>
    ctx.line(
      `sent ${r.bytes} byte(s) to ${sent.params.agent}${sent.body.enter === true ? ' and pressed Enter' : ''} (event #${r.seq})`,
    ),
});

export function registerTerminalCommands(program: Command, ctx: CliContext): void {
  registerRouteCommands(program, ctx, [peekCommand]);

  program
    .command('logs')
    .description("print the agent's terminal output kept in its log (-f to follow)")
    .argument('<agent>', 'name, workspace/name or id')
    .option(
      '-f, --follow',
      `the last ${FOLLOW_TAIL_LINES} lines (or --tail N), then new output until the agent exits (Ctrl-C to stop)`,
    )
    .option('--tail <lines>', 'only the last N lines (with -f: 0 for only new output)')
    .option(
      '--plain',
      'the text alone: no colours, no escape sequences (the default when the output is a file or a pipe, and with NO_COLOR)',
    )
    .option('--color', "keep the agent's colours when the output is a file or a pipe (e.g. for less -R)")
    .option(
      '--raw',
      'the bytes exactly as the agent wrote them, escape sequences and all (they act on your terminal: for a file or a pipe)',
    )
    .option('--json', 'machine-readable output (with -f: one JSON document per chunk)')
    .action((ref: string, raw: LogsFlags, cmd: Command) =>
      runAction(ctx, raw.json, async () => {
        const v = checkOptions(cmd, { tail: { type: 'integer', min: 0, max: 1_000_000 } });
        const tail = (v.tail as number | undefined) ?? (raw.follow ? FOLLOW_TAIL_LINES : undefined);
        const views = (['raw', 'plain', 'color'] as const).filter((k) => raw[k] === true);
        if (views.length > 1) {
          const [a = '', b = ''] = views;
          throw fieldError(
            `--${a} and --${b} ask for different things: give one.`,
            `--${a}`,
            `not with --${b}`,
          );
        }
        const tailBytes =
          tail === undefined ? undefined : Math.max(TAIL_MIN_BYTES, tail * TAIL_BYTES_PER_LINE);
        const res = await ctx.client().raw('getLogs', { params: { agent: ref }, query: { tailBytes } });
        const fromSeq = Number(res.headers['x-wtp-from-seq'] ?? 0);
        const toSeq = Number(res.headers['x-wtp-to-seq'] ?? 0);
        const gaps = gapsOf(res.headers['x-wtp-gaps']);
        const body = gaps.length > 0 ? withGapMarkers(res.body, fromSeq, gaps) : res.body;
        const colours = raw.color === true || (!ctx.env.noColor && ctx.out.isTTY === true);
        const printer = logPrinter(raw.raw ? 'raw' : raw.plain || !colours ? 'plain' : 'colours');
        if (ctx.json) {
          const text = raw.plain ? plainText(body.toString('utf8')) : body.toString('utf8');
          ctx.emit('logs', {
            agent: ref,
            fromSeq,
            toSeq,
            data: tail === undefined ? text : lastLines(text, tail),
            gaps,
          });
        } else {
          const shown = printer.push(body);
          ctx.out.write(tail === undefined ? shown : lastLines(shown.toString(), tail));
        }
        if (raw.follow) await follow(ctx, ref, toSeq, printer, raw.plain === true);
        else if (!ctx.json) ctx.out.write(printer.end());
      }),
    );
  registerRouteCommands(program, ctx, [sendCommand]);
}
