import { join } from 'node:path';
import { AppError } from '../src/protocol/app-error.js';
import { KEYS } from '../src/protocol/keys.js';
import { nowMs, runTimed } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import type { Session } from './session.js';

/**
 * The ways the `answers` part approves a permission dialog (answer-latency.ts). A mode is a
 * function `(agent) => Promise<{ sentAt }>`: it starts the action at `sentAt` (nowMs), and may say
 * when the action itself ended and what the answerer reported. The part times `sentAt` → the
 * `agent.stateChanged` out of `needs_permission` on its events WebSocket, whatever the mode.
 * A further mode (e.g. the dashboard's Approve button in Chromium) is one more entry of `answerModes`,
 * or, when it needs the agent first, what `measureAnswerLatency`'s `extraModes` returns (set up once
 * the agent runs; `close` after the last round).
 */

/** The agent a mode answers. */
export interface AnswerTarget {
  id: string;
  name: string;
}

export interface ActionTaken {
  /** nowMs just before the action started (request sent, process spawned, click dispatched). */
  sentAt: number;
  /** nowMs when the action itself ended: the API's response, the process's exit. */
  doneAt?: number;
  /** The answerer's own `ms` (AnswerResult.ms: verified, keys sent, agent left the dialog). */
  answererMs?: number;
  /** Refused or failed, and how (error code, exit status); the round is then no sample. */
  failed?: string;
  /** How the answer reached the agent, as the answerer reported it (AnswerResult.channel). */
  channel?: 'hook' | 'screen';
}

export interface AnswerMode {
  name: string;
  /** What the action is, for the report's note. */
  what: string;
  act: (agent: AnswerTarget) => Promise<ActionTaken>;
  /** Releases what the mode holds (e.g. its browser), after the last round. */
  close?: () => Promise<void>;
}

/**
 * The raw keystroke the baseline sends: what `wtp send <agent> --key enter --force` sends (keys
 * for an agent in a permission dialog are refused without `force`, which records them as its answer).
 */
export const RAW_ENTER = { text: KEYS.enter, raw: true, force: true } as const;

const CLI_TIMEOUT_MS = 60_000;

/** The error code of a refused API call, else the message. */
function why(err: unknown): string {
  if (err instanceof AppError) return err.code;
  return err instanceof Error ? err.message : String(err);
}

/** The modes in report order; the first one is the baseline the others are compared with. */
export function answerModes(paths: RepoPaths, s: Session): AnswerMode[] {
  return [
    {
      name: 'rawKey',
      what: 'POST /api/v1/agents/:agent/input {"text":"\\r","raw":true,"force":true} — the same keystroke typed raw, unverified (what `wtp send <agent> --key enter --force` sends)',
      act: async (a) => {
        const sentAt = nowMs();
        try {
          await s.client.call('sendInput', { params: { agent: a.id }, body: { ...RAW_ENTER } });
          return { sentAt, doneAt: nowMs() };
        } catch (err) {
          return { sentAt, doneAt: nowMs(), failed: why(err) };
        }
      },
    },
    {
      name: 'api',
      what: 'POST /api/v1/agents/:agent/answer {"action":"approve"} (the route `answerAgent`, through the same client on the unix socket)',
      act: async (a) => {
        const sentAt = nowMs();
        try {
          const r = await s.client.call('answerAgent', {
            params: { agent: a.id },
            body: { action: 'approve' },
          });
          return { sentAt, doneAt: nowMs(), answererMs: r.ms, channel: r.channel };
        } catch (err) {
          return { sentAt, doneAt: nowMs(), failed: why(err) };
        }
      },
    },
    cliMode(
      'cli',
      '`wtp approve <agent>` as users run it (bin/wtp, the command npm installs: through curl, without Node)',
      [join(paths.root, 'bin', 'wtp')],
      s,
    ),
    cliMode(
      'cliNode',
      '`wtp approve <agent>` on Node’s fast path (node bin/wtp.js: what bin/wtp runs where there is no curl)',
      [process.execPath, join(paths.root, 'bin', 'wtp.js')],
      s,
    ),
    cliMode(
      'cliWhole',
      '`wtp approve <agent>` through the whole CLI (node dist/wtp.js: commander and every command loaded)',
      [process.execPath, join(paths.root, 'dist', 'wtp.js')],
      s,
    ),
  ];
}

/** `command` (a program and its first arguments) run with `approve <agent>`. */
function cliMode(name: string, what: string, command: readonly string[], s: Session): AnswerMode {
  const [file = '', ...first] = command;
  return {
    name,
    what,
    act: async (a) => {
      const sentAt = nowMs();
      const r = await runTimed(file, [...first, 'approve', a.name], {
        env: s.env,
        cwd: s.home,
        timeoutMs: CLI_TIMEOUT_MS,
      });
      const doneAt = sentAt + r.ms;
      if (r.code !== 0)
        return { sentAt, doneAt, failed: `exit ${r.code}: ${r.stderr.trim().split('\n')[0]}` };
      // "<name>: approved "…" — it left the dialog in 183 ms (now working; pressed enter)"
      const ms = /left the dialog in (\d+) ms/.exec(r.stdout)?.[1];
      const channel = r.stdout.includes('through its permission hook') ? 'hook' : 'screen';
      return { sentAt, doneAt, channel, ...(ms === undefined ? {} : { answererMs: Number(ms) }) };
    },
  };
}
