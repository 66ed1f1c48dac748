import { render, type Instance } from 'ink';
import { AppError } from '../../protocol/app-error.js';
import { appError } from '../../protocol/error-messages.js';
import { loadConfig } from '../../config/load-config.js';
import type { AgentView } from '../../protocol/agent.js';
import { attachSession } from '../cli/attach-session.js';
import type { CliContext } from '../cli/context.js';
import { buildKeymap } from './keymap.js';
import { MOUSE_OFF, MOUSE_ON } from './mouse.js';
import { guardedStdout } from './safe-stdout.js';
import { errorText, TuiActions } from './tui-actions.js';
import { TuiStore, type Preload } from './tui-store.js';
import { App } from './views/app.js';
import { tuiViews } from './views/views.js';

/** The alternate screen (the shell's screen comes back on quit), the cursor hidden. */
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE = '\x1b[?25h\x1b[0m\x1b[?1049l';

/**
 * `wtp tui`: the fleet, full-screen, kept live from the daemon; resolves when the user quits. The
 * terminal is put back as it was on every way out (quit, Ctrl-C, an error, SIGTERM).
 */
export async function runTui(ctx: CliContext, preload: Preload = {}): Promise<void> {
  const stdin = process.stdin;
  const stdout = ctx.out;
  if (!stdin.isTTY || !stdout.isTTY) {
    throw appError('TUI_NOT_TTY', {});
  }
  const config = await loadConfig(ctx.paths.configFile, ctx.env);
  const { keymap, issues } = buildKeymap(config.tui.keys);
  if (issues.length > 0) {
    throw new AppError(
      'INVALID_INPUT',
      `tui.keys in ${ctx.paths.configFile}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const client = ctx.client();
  const store = new TuiStore(client, preload);
  await store.start(); // fails here, before the screen is taken, when the daemon is not running
  const actions = new TuiActions(store);
  const color = ctx.color && ctx.env.term !== 'dumb';
  const views = tuiViews(store, process.cwd(), color);

  // Mouse reporting is on only while the list is drawn: an attached agent gets its own mouse.
  const enter = ENTER + (config.tui.mouse ? MOUSE_ON : '');
  const mouseOff = config.tui.mouse ? MOUSE_OFF : '';
  let instance: Instance | null = null;
  let quitting = false;
  const restore = (): void => {
    stdout.write(mouseOff + LEAVE);
  };
  const onSignal = (): void => {
    instance?.unmount();
    restore();
    process.exit(130);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  const show = (): Instance =>
    render(
      <App
        store={store}
        keymap={keymap}
        actions={actions}
        color={color}
        views={views}
        attach={(agent) => void attach(agent)}
        quit={() => (quitting = true)}
      />,
      // The store already batches the fleet's changes (DATA_MS); Ink's own frame cap would only hold
      // a key's repaint back behind the last one, so it is set past any key rate. Only the lines that
      // changed are written: a key moves two rows, not the whole screen.
      {
        stdout: guardedStdout(stdout),
        stdin,
        exitOnCtrlC: false,
        patchConsole: false,
        maxFps: 1000,
        incrementalRendering: true,
      },
    );

  const attach = async (agent: AgentView): Promise<void> => {
    instance?.unmount();
    instance = null;
    stdout.write(mouseOff);
    try {
      const note = await attachSession(client, agent.id, {
        detachKey: config.tui.detachKey,
        readOnly: false,
        stdin,
        stdout,
        client: 'tui',
        name: agent.name,
        keepReading: true,
      });
      store.say(note, 'ok');
    } catch (err) {
      store.say(errorText(err), 'error');
    }
    stdout.write(enter);
    instance = show();
    void wait();
  };

  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const wait = async (): Promise<void> => {
    const current = instance;
    await current?.waitUntilExit();
    if (quitting && current === instance) done();
  };

  stdout.write(enter);
  try {
    instance = show();
    void wait();
    await finished;
  } finally {
    store.stop();
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
