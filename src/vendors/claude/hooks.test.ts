import { describe, expect, it } from 'vitest';
import { askedAbout } from '../../protocol/agent-words.js';
import { readClaudeHook } from './hooks.js';

/**
 * PermissionRequest payloads as Claude Code 2.1.330 sends them (docs/research/claude-code-2.1.330.md:
 * `tool_name`, `tool_input`, `permission_suggestions`; the inputs are the tools' own schemas, the
 * ones test/e2e/claude-states.test.ts has the real CLI send).
 */
const base = {
  session_id: '0b5e8c3e-2f0c-4d35-9d0e-6a3f3b0f8c11',
  transcript_path: '/h/.claude/projects/-p/0b5e8c3e.jsonl',
  cwd: '/p',
  permission_mode: 'default',
  hook_event_name: 'PermissionRequest',
  permission_suggestions: [],
};
const asks = (tool_name: string, tool_input: Record<string, unknown>) =>
  readClaudeHook({ ...base, tool_name, tool_input }, 1000).signal;

describe('readClaudeHook: what a permission dialog asks', () => {
  it('Bash: the command, quoted in the evidence as askedAbout reads it back', () => {
    const s = asks('Bash', { command: 'npm test', description: 'Run the tests' });
    expect(s).toMatchObject({
      state: 'needs_permission',
      reason: 'permission',
      tool: 'Bash',
      evidence: 'hook PermissionRequest Bash "npm test"',
      request: { kind: 'permission', tool: 'Bash', about: 'npm test', complete: true },
    });
    expect(askedAbout(s?.evidence)).toBe(s?.request?.about);
    const quotes = asks('Bash', { command: 'echo "a b" > out.txt' });
    expect(askedAbout(quotes?.evidence)).toBe('echo "a b" > out.txt');
    // A long command: the request keeps all of it (rules decide on the whole); the evidence quotes 200 characters.
    const long = asks('Bash', { command: `echo ${'x'.repeat(400)}` });
    expect(long?.request).toMatchObject({ about: `echo ${'x'.repeat(400)}`, complete: true });
    expect(askedAbout(long?.evidence)).toBe(long?.request?.about?.slice(0, 200));
    // Longer than 64 KiB: cut there, and not complete (no rule approves it).
    const huge = asks('Bash', { command: 'x'.repeat(70_000) });
    expect(huge?.request?.about).toHaveLength(65_536);
    expect(huge?.request?.complete).toBeUndefined();
  });

  it('Write: the file and its new content; Edit and MultiEdit: the file and the change', () => {
    expect(asks('Write', { file_path: '/p/out.txt', content: 'hi\n' })?.request).toEqual({
      kind: 'permission',
      tool: 'Write',
      about: '/p/out.txt',
      complete: true,
      diff: 'hi\n',
    });
    const edit = asks('Edit', { file_path: '/p/a.ts', old_string: 'let x = 1;', new_string: 'const x = 1;' });
    expect(edit?.request).toEqual({
      kind: 'permission',
      tool: 'Edit',
      about: '/p/a.ts',
      complete: true,
      diff: '@@\n-let x = 1;\n+const x = 1;',
    });
    expect(askedAbout(edit?.evidence)).toBe('/p/a.ts');
    const multi = asks('MultiEdit', {
      file_path: '/p/a.ts',
      edits: [
        { old_string: 'a\nb', new_string: 'a\nc' },
        { old_string: 'z', new_string: '' },
      ],
    });
    expect(multi?.request?.diff).toBe('@@\n-a\n-b\n+a\n+c\n@@\n-z');
    // A large file: the diff is cut to the schema's 8000 characters.
    const big = asks('Write', { file_path: '/p/big.txt', content: 'y'.repeat(20_000) });
    expect(big?.request?.diff).toHaveLength(8_000);
    expect(big?.request?.diff?.endsWith('…')).toBe(true);
  });

  it('AskUserQuestion: needs_input with the first question and its options', () => {
    const s = asks('AskUserQuestion', {
      questions: [
        {
          question: 'Which color should the button be?',
          header: 'Color',
          options: [
            { label: 'Red', description: 'A red button' },
            { label: 'Blue', description: 'A blue button' },
          ],
          multiSelect: false,
        },
      ],
    });
    expect(s).toMatchObject({
      state: 'needs_input',
      reason: 'question',
      evidence: 'hook PermissionRequest AskUserQuestion',
      request: {
        kind: 'question',
        tool: 'AskUserQuestion',
        question: 'Which color should the button be?',
        options: ['Red', 'Blue'],
      },
    });
  });

  it('no input: the tool alone (as before); Notifications say only what kind of dialog', () => {
    expect(readClaudeHook({ ...base, tool_name: 'Bash' }, 1).signal).toMatchObject({
      evidence: 'hook PermissionRequest Bash',
      request: { kind: 'permission', tool: 'Bash' },
    });
    const note = readClaudeHook(
      {
        ...base,
        hook_event_name: 'Notification',
        notification_type: 'permission_prompt',
        message: 'Claude needs your permission to use Bash',
      },
      1,
    ).signal;
    expect(note?.request).toEqual({ kind: 'permission' });
  });
});

/**
 * A session with nothing in it yet is not one to resume: `claude --resume <id>` of a session that
 * never had a prompt exits 1 ("No conversation found"), so an agent restarted before its first
 * turn died at once. SessionStart tells `source`: startup and clear begin an empty session.
 */
describe('readClaudeHook: which session a restart resumes', () => {
  const start = (source: string) =>
    readClaudeHook({ ...base, hook_event_name: 'SessionStart', source }, 1000);

  it('SessionStart at startup or after /clear names a fresh session; resume, compact and fork do not', () => {
    expect(start('startup')).toMatchObject({ sessionId: base.session_id, fresh: true, signal: null });
    expect(start('clear').fresh).toBe(true);
    for (const source of ['resume', 'compact', 'fork']) expect(start(source).fresh).toBeUndefined();
    const prompt = readClaudeHook({ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'hi' }, 1000);
    expect(prompt.fresh).toBeUndefined();
    expect(prompt.sessionId).toBe(base.session_id);
  });
});
