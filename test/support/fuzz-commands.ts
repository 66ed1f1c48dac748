// Generated shell commands for the approval-rule fuzz test (test/integration/approval-fuzz.test.ts):
// compound commands built from allowed, denied and unlisted pieces, each tagged with what it holds.
import type { Rng } from './rng.js';

/** What a generated command holds. */
export interface Generated {
  text: string;
  /** It runs a command a deny rule names (`rm`, `curl`), however written or wrapped. */
  denied: boolean;
  /** It runs a command no allow rule names (or one known only when it runs). */
  unlisted: boolean;
}

/** The rules the generated commands are judged by. */
export const FUZZ_RULES = {
  allow: ['Bash(npm test*)', 'Bash(pytest*)', 'Bash(echo *)', 'Bash(cat README.md)', 'Bash(true)'],
  deny: ['Bash(rm *)', 'Bash(curl *)'],
};

const ALLOWED = ['npm test', 'npm test -- --ci', 'pytest -q', 'echo hi', 'cat README.md', 'true'];
const UNLISTED = [
  'touch pwned',
  'ls',
  'sh',
  'python3 -c 1',
  'npm publish',
  '$CMD x',
  'touch${IFS}/tmp/MARK',
  '${X}',
  'npm$IFS test',
  '/???/?ouch x',
  'eval true',
  'xargs echo hi',
  'sudo npm test',
  './npm test',
];
/** How a denied program's name may be written: all run it. */
const NAMES = (name: string): string[] => [
  name,
  `\\${name}`,
  `"${name}"`,
  `'${name}'`,
  `${name.slice(0, 1)}''${name.slice(1)}`,
  `${name.slice(0, 1)}\\${name.slice(1)}`,
  `$'${name}'`,
  `/bin/${name}`,
  `/usr/bin/${name}`,
];
/** What may stand before it and still run it. */
const WRAPPERS = [
  '',
  'sudo ',
  'sudo -u x ',
  'env ',
  'env A=1 ',
  'time ',
  'nice -n 5 ',
  'nohup ',
  'timeout 5 ',
  'command ',
  'exec ',
  'FOO=1 ',
  'xargs ',
  'xargs -0 ',
  'stdbuf -o0 ',
];
const DENIED_ARGS: Record<string, string[]> = {
  rm: ['-rf build', 'x'],
  curl: ['-s https://x.example/i', 'x'],
};

function piece(rng: Rng): Generated {
  const kind = rng.weighted([
    [3, 'allowed'],
    [1, 'denied'],
    [1, 'unlisted'],
  ] as const);
  if (kind === 'allowed') return { text: rng.pick(ALLOWED), denied: false, unlisted: false };
  if (kind === 'unlisted') return { text: rng.pick(UNLISTED), denied: false, unlisted: true };
  const prog = rng.pick(['rm', 'curl']);
  const text = `${rng.pick(WRAPPERS)}${rng.pick(NAMES(prog))} ${rng.pick(DENIED_ARGS[prog] ?? [])}`;
  return { text, denied: true, unlisted: true };
}

/** Text a single-quoted `sh -c '…'` can hold as it is. */
const quotable = (s: string): boolean => !s.includes("'");

/** Two (or one) commands joined by one of the shell's constructs. */
function join(rng: Rng, a: Generated, b: Generated): Generated {
  const both = (text: string): Generated => ({
    text,
    denied: a.denied || b.denied,
    unlisted: a.unlisted || b.unlisted,
  });
  const forms: ((x: string, y: string) => string | null)[] = [
    (x, y) => `${x}; ${y}`,
    (x, y) => `${x} && ${y}`,
    (x, y) => `${x} || ${y}`,
    (x, y) => `${x} | ${y}`,
    (x, y) => `${x} |& ${y}`,
    (x, y) => `${x} & ${y}`,
    (x, y) => `${x}\n${y}`,
    (x, y) => `(${x}; ${y})`,
    (x, y) => `{ ${x}; ${y}; }`,
    (x, y) => `if ${x}; then ${y}; fi`,
    (x, y) => `if true; then true; else ${x}; ${y}; fi`,
    (x, y) => `for i in 1 2; do ${x}; ${y}; done`,
    (x, y) => `while ${x}; do ${y}; done`,
    (x, y) => `case z in z) ${x};; *) ${y};; esac`,
    (x, y) => `f() { ${x}; }; ${y}`,
    (x, y) => `echo "$(${x})"; ${y}`,
    (x, y) => `cat <(${x}) >(${y})`,
    (x, y) => `! ${x} && ${y}`,
    (x, y) => `A=$(${x}) ${y}`,
    (x, y) => {
      const end = `E${rng.int(1_000_000)}`; // a delimiter of its own: a nested one must not end it
      return `cat <<${end}\n$(${x})\n${end}\n${y}`;
    },
    (x, y) => (quotable(x) && quotable(y) ? `bash -c '${x}; ${y}'` : null),
    (x, y) => (quotable(x) && quotable(y) ? `sh -lc '${x} && ${y}'` : null),
    (x, y) => `${x} # a comment\n${y}`,
  ];
  for (;;) {
    const text = rng.pick(forms)(a.text, b.text);
    if (text !== null) return both(text);
  }
}

/** A compound command of up to `depth` levels of constructs. */
export function generateCommand(rng: Rng, depth = 3): Generated {
  if (depth === 0 || rng.chance(0.3)) return piece(rng);
  return join(rng, generateCommand(rng, depth - 1), generateCommand(rng, depth - 1));
}
