import type { ShellWord } from '../ports/shell-syntax.js';
import { wordValue } from './shell-words.js';

/** How a program that runs another command takes its options (the common GNU, BSD and bash forms). */
interface WrapperSpec {
  /** Options followed by a value (`-u root`, `-uroot`, `--user=root`, `--user root`). */
  valued: readonly string[];
  /** Options without one (short ones may be clustered: `-Ek`). */
  flags: readonly string[];
  /** Words after the options that are not the command (`timeout 5 cmd`: one). */
  positional?: number;
  /** `NAME=VALUE` words before the command set its environment (`env A=1 cmd`). */
  assignments?: boolean;
  /** `nice -5 cmd`: a bare number is an option. */
  numericOption?: boolean;
  /**
   * Why the inner command is not the whole story, so an allow rule must name the wrapper itself:
   * it runs with other rights (`sudo`), or takes more arguments from elsewhere (`xargs`: its input).
   */
  opaque?: string;
}

const RIGHTS = 'it runs the command with other rights';

/**
 * The wrappers the rules see through: `command`, `builtin`, `exec`, `env`, `time`, `nice`,
 * `nohup`, `timeout`, `setsid`, `stdbuf`, `xargs`, `sudo`, `doas`. A deny rule matches the command
 * they run; an allow rule may approve it through the transparent ones (`time npm test` is
 * `npm test`), never through an opaque one (`sudo`, `xargs`) unless it names the wrapper.
 */
const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  command: { valued: [], flags: ['-p', '-v', '-V'] },
  builtin: { valued: [], flags: [] },
  exec: { valued: ['-a'], flags: ['-c', '-l'] },
  time: {
    valued: ['-f', '-o', '--format', '--output'],
    flags: ['-p', '-a', '-v', '-q', '--append', '--verbose', '--quiet', '--portability'],
  },
  nice: { valued: ['-n', '--adjustment'], flags: [], numericOption: true },
  nohup: { valued: [], flags: [] },
  timeout: {
    valued: ['-s', '-k', '--signal', '--kill-after'],
    flags: ['-v', '--verbose', '--preserve-status', '--foreground'],
    positional: 1,
  },
  setsid: { valued: [], flags: ['-c', '-f', '-w', '--ctty', '--fork', '--wait'] },
  stdbuf: { valued: ['-i', '-o', '-e', '--input', '--output', '--error'], flags: [] },
  env: {
    valued: ['-u', '-C', '--unset', '--chdir'],
    flags: ['-i', '-0', '-', '--ignore-environment', '--null'],
    assignments: true,
  },
  xargs: {
    valued: [
      '-a',
      '-d',
      '-E',
      '-I',
      '-L',
      '-n',
      '-P',
      '-s',
      '--arg-file',
      '--delimiter',
      '--eof',
      '--replace',
      '--max-lines',
      '--max-args',
      '--max-procs',
      '--max-chars',
      '--process-slot-var',
    ],
    flags: [
      '-0',
      '-r',
      '-t',
      '-p',
      '-x',
      '-o',
      '--null',
      '--no-run-if-empty',
      '--verbose',
      '--interactive',
      '--exit',
      '--open-tty',
    ],
    opaque: 'it adds arguments read from its input',
  },
  sudo: {
    valued: [
      '-u',
      '-g',
      '-h',
      '-C',
      '-D',
      '-p',
      '-r',
      '-t',
      '-U',
      '-T',
      '-R',
      '--user',
      '--group',
      '--host',
      '--close-from',
      '--chdir',
      '--prompt',
      '--role',
      '--type',
      '--other-user',
      '--command-timeout',
      '--chroot',
    ],
    flags: [
      '-A',
      '-b',
      '-E',
      '-H',
      '-K',
      '-k',
      '-n',
      '-P',
      '-S',
      '-B',
      '-N',
      '--askpass',
      '--background',
      '--preserve-env',
      '--set-home',
      '--non-interactive',
      '--preserve-groups',
      '--stdin',
      '--bell',
      '--no-update',
      '--reset-timestamp',
    ],
    opaque: RIGHTS,
  },
  doas: { valued: ['-u', '-C'], flags: ['-n'], opaque: RIGHTS },
};

/** What a wrapper runs. */
export type Unwrapped =
  | {
      ok: true;
      /** `NAME=VALUE` words it sets (env). */
      assignments: readonly ShellWord[];
      /** The command it runs (name first). */
      inner: readonly ShellWord[];
      /** Why an allow rule must name the wrapper itself; undefined when it is transparent. */
      opaque?: string | undefined;
    }
  | { ok: false; reason: string };

/** A command name as a wrapper is looked up: its last path step (`/usr/bin/env` → `env`). */
export const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** Whether `name` (a command's name, its value) is a wrapper the rules see through. */
export const isWrapper = (name: string): boolean => Object.hasOwn(WRAPPERS, baseName(name));

/**
 * The command a wrapper (`words[0]`) runs, its options read as that program reads them. `ok:
 * false` when they cannot be read for sure: an option it does not know, one that is dynamic, one
 * that makes it do something else (`env -S`, `sudo -s`), or no command at all.
 */
export function unwrap(words: readonly ShellWord[]): Unwrapped {
  const name = words[0] === undefined ? null : wordValue(words[0]);
  const spec = name === null ? undefined : WRAPPERS[baseName(name)];
  if (spec === undefined || name === null) return { ok: false, reason: 'not a wrapper' };
  const assignments: ShellWord[] = [];
  let positional = spec.positional ?? 0;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i] as ShellWord;
    const v = wordValue(w);
    if (v === null) return { ok: false, reason: `${name}'s argument ${w.source} is known only when it runs` };
    if (v === '--') {
      i++;
      break;
    }
    if (v.startsWith('-') && v !== '-' && positional === (spec.positional ?? 0)) {
      const taken = optionWords(spec, v);
      if (taken === null) return { ok: false, reason: `${name}'s option ${v} is not one the rules know` };
      i += taken;
      continue;
    }
    if (v === '-' && spec.flags.includes('-')) continue;
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
      assignments.push(w);
      continue;
    }
    if (positional > 0) {
      positional--;
      continue;
    }
    break;
  }
  const inner = words.slice(i);
  if (inner.length === 0) return { ok: false, reason: `${name} runs no command here` };
  return { ok: true, assignments, inner, opaque: spec.opaque };
}

/** How many more words an option takes (0 or 1); null when the option is not known. */
function optionWords(spec: WrapperSpec, v: string): number | null {
  if (spec.numericOption && /^-\d+$/.test(v)) return 0;
  if (v.startsWith('--')) {
    const eq = v.indexOf('=');
    if (eq > 0) return spec.valued.includes(v.slice(0, eq)) ? 0 : null;
    if (spec.valued.includes(v)) return 1;
    return spec.flags.includes(v) ? 0 : null;
  }
  // A cluster of short flags, the last of which may take a value (attached or as the next word).
  for (let k = 1; k < v.length; k++) {
    const opt = `-${v[k] ?? ''}`;
    if (spec.valued.includes(opt)) return k === v.length - 1 ? 1 : 0;
    if (!spec.flags.includes(opt)) return null;
  }
  return 0;
}
