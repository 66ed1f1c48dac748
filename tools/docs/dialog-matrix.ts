import {
  GAPS,
  MATRIX,
  RULE_CHANNELS,
  type AlwaysKind,
  type MatrixRow,
} from '../../test/support/dialog-matrix.js';
import { code, generatedNote, table, text } from './markdown.js';

const PRODUCT: Record<string, string> = {
  claude: 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  qwen: 'Qwen Code',
  opencode: 'OpenCode',
  copilot: 'Copilot CLI',
};

function alwaysCell(a: AlwaysKind): string {
  if (a === 'none') return 'no such option (refused, nothing pressed)';
  if ('modeChange' in a)
    return `mode change: “${text(a.modeChange)}” (refused without \`--accept-mode-change\`)`;
  return `“${text(a.scope)}”`;
}

const RULES: Record<MatrixRow['rules'], string> = {
  hook: 'its decision hook',
  'deny-hook': 'deny rules: its decision hook; allow rules: the verified screen path',
  native: 'the CLI itself (its own permission rules)',
  screen: 'the verified screen path',
  none: '—',
};

/** docs/dialog-matrix.md: the dialog conformance matrix, from test/support/dialog-matrix.ts. */
export function dialogMatrixReference(): string {
  const vendors = [...new Set([...MATRIX.map((r) => r.vendor), ...GAPS.map((g) => g.vendor)])];
  const sections = vendors.map((v) => {
    const rows = MATRIX.filter((r) => r.vendor === v).map((r) => [
      text(r.kind),
      code(r.tool),
      r.actions.map((a) => code(a)).join(', '),
      alwaysCell(r.always),
      RULES[r.rules],
      `[screen](../test/fixtures/screens/${r.screen})`,
      r.note ? text(r.note) : '',
    ]);
    const gaps = GAPS.filter((g) => g.vendor === v).map(
      (g) => `- **${text(g.kind)}**: cannot be shown — ${text(g.why)}.`,
    );
    const tests = [...new Set(MATRIX.filter((r) => r.vendor === v).map((r) => r.test))];
    return [
      `## ${PRODUCT[v] ?? v}`,
      '',
      `Proven by ${tests.map((t) => `[${t}](../${t})`).join(', ')}.`,
      '',
      table(
        [
          'request',
          'tool',
          'pressed on the real CLI',
          '"always" on its dialog',
          'rules decide through',
          'dialog',
          'note',
        ],
        rows,
      ),
      ...(gaps.length > 0 ? ['', ...gaps] : []),
    ].join('\n');
  });
  const channels = table(
    ['CLI', 'rules decide through', 'hook', 'why', 'proven by'],
    RULE_CHANNELS.map((c) => [
      PRODUCT[c.vendor] ?? c.vendor,
      RULES[c.rules],
      c.hook === null ? 'none' : text(c.hook),
      text(c.why),
      c.tests.length === 0
        ? '—'
        : c.tests.map((t) => `[${t.replace(/^test\/e2e\//, '')}](../${t})`).join(', '),
    ]),
  );
  return `# The dialog matrix

${generatedNote('test/support/dialog-matrix.ts')}

Every kind of request each agent CLI asks permission for, and how wezterm-parallel detects and answers its
dialog. Each row is proven end to end on the pinned CLI, offline against a scripted model server: the dialog is
detected (\`needs_permission\`, with the tool and what it asks about), and each action in the row is pressed
through \`wtp deny\`, \`wtp approve\` and \`wtp approve --always\` with what it must cause checked (nothing ran
after a denial; the tool ran after an approval). "Always" is the option's own text as the dialog draws it: an
option that switches the session's permission mode is refused unless \`--accept-mode-change\` is given. A kind a
CLI cannot show is listed under its table with why. A dialog the screen rules see but do not know (a numbered
dialog of a later release) is \`needs_permission\` with an \`unknown dialog\` detail: \`wtp approve\` and \`wtp deny\`
refuse it (\`DIALOG_UNKNOWN\`), and the user's own keys (\`wtp send NAME --key … --force\`) answer it, audited.
"Rules decide through" says how approval rules (\`approvals:\` in the config) answer that kind: the CLI's own
permission rules, or the daemon's policy answerer through the verified screen path (the tool and its target as
the dialog shows them). [docs/answers.md](answers.md) explains answering.

## How approval rules decide, per CLI

Where a CLI waits on a hook before it shows a permission dialog (or runs a tool), approval rules decide
there — on the whole request the hook carries, before any dialog, with no screen to read — if the hook's
contract allows it: a deny carried with its reason for the model, and nothing, junk, a failure, a timeout or
a daemon that is down never approving (the dialog shows, for the screen path and the user). Each contract is
measured on the pinned CLI.

${channels}

${sections.join('\n\n')}
`;
}
