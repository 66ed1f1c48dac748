import { describe, expect, it } from 'vitest';
import {
  broadFlagsIn,
  isBlanket,
  parseApprovalRule,
  type ApprovalRule,
} from '../../protocol/approval-rule.js';
import { globMatches, ruleAppliesTo, toolCovers, type MatchContext } from './matcher.js';

const rule = (text: string): ApprovalRule => {
  const r = parseApprovalRule(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
};
const claude: MatchContext = {
  profile: 'claude',
  cwd: '/work/app',
  tools: { Bash: ['Bash'], Write: ['Write'], Edit: ['Edit', 'MultiEdit'], Read: ['Read'] },
};
const gemini: MatchContext = {
  profile: 'gemini',
  cwd: '/work/app',
  tools: { Bash: ['run_shell_command'], Write: ['write_file'], Edit: ['replace'], Read: ['read_file'] },
};

describe('approval rules: parsing', () => {
  it('takes Tool, Tool(glob), vendor:Tool(glob) and *', () => {
    expect(rule('Bash(npm test*)')).toEqual({
      text: 'Bash(npm test*)',
      vendor: null,
      tool: 'Bash',
      glob: 'npm test*',
    });
    expect(rule('Read')).toMatchObject({ tool: 'Read', glob: null });
    expect(rule('claude:Bash(npm run test:*)')).toMatchObject({ vendor: 'claude', glob: 'npm run test:*' });
    expect(rule('Bash(echo (a))')).toMatchObject({ glob: 'echo (a)' });
    expect(rule('*')).toMatchObject({ tool: '*', glob: null });
  });

  it('says what is wrong with a bad rule', () => {
    expect(parseApprovalRule('Bash(npm test')).toMatch(/not a rule/);
    expect(parseApprovalRule('claud:Bash(x)')).toMatch(/unknown vendor "claud"/);
    expect(parseApprovalRule('Bash()')).toMatch(/empty glob/);
    expect(parseApprovalRule('*(x)')).toMatch(/takes no glob/);
    expect(parseApprovalRule('Bash(a\nb)')).toMatch(/one line/);
    expect(parseApprovalRule('rm -rf')).toMatch(/not a rule/);
  });
});

describe('approval rules: globs and tools', () => {
  it('matches a text by glob, `*` being any characters, whitespace runs as one space', () => {
    expect(globMatches('npm test*', 'npm test')).toBe(true);
    expect(globMatches('npm test*', 'npm test -- --watch=false')).toBe(true);
    expect(globMatches('npm test*', '  npm   test  ')).toBe(true);
    expect(globMatches('npm test*', 'npm install')).toBe(false);
    expect(globMatches('npm test*', 'xnpm test')).toBe(false);
    expect(globMatches('npm run test:*', 'npm run test')).toBe(true);
    expect(globMatches('npm run test:*', 'npm run test:unit')).toBe(false);
    expect(globMatches('npm run test:*', 'npm run test foo')).toBe(true);
    expect(globMatches('a.b(c)', 'a.b(c)')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  it('Bash means the shell tool of every vendor; a vendor scope limits it', () => {
    const applies = (r: string, tool: string, ctx = gemini): boolean => ruleAppliesTo(rule(r), tool, ctx);
    expect(applies('Bash(npm test*)', 'run_shell_command')).toBe(true);
    expect(applies('run_shell_command(npm test*)', 'run_shell_command')).toBe(true);
    expect(applies('claude:Bash(npm test*)', 'run_shell_command')).toBe(false);
    expect(applies('gemini:Bash(npm test*)', 'run_shell_command')).toBe(true);
    expect(applies('Bash(npm test*)', 'write_file')).toBe(false);
    expect(applies('Bash', 'Bash', claude)).toBe(true);
    expect(ruleAppliesTo(rule('Bash(x)'), undefined, claude)).toBe(false);
    expect(ruleAppliesTo(rule('*'), undefined, claude)).toBe(true);
    expect(toolCovers('Edit', 'MultiEdit', claude.tools)).toBe(true);
  });
});

describe('isBlanket and broad flags', () => {
  it.each([
    '*',
    'Bash',
    'Bash(*)',
    'Bash(**)',
    'Bash(:*)',
    'Write(**)',
    'Edit(/**)',
    'codex:shell',
    'run_shell_command(*)',
  ])('%s says yes to everything', (text) => expect(isBlanket(rule(text))).toBe(true));
  it.each(['Bash(npm test*)', 'Write(src/**)', 'Read', 'Read(*)', 'WebFetch'])('%s does not', (text) =>
    expect(isBlanket(rule(text))).toBe(false),
  );
  it('finds flag sequences in arguments', () => {
    const flags = [
      ['--permission-mode', 'bypassPermissions'],
      ['--dangerously-skip-permissions'],
      ['-a', 'never'],
    ];
    expect(broadFlagsIn(['--model', 'x', '--permission-mode', 'bypassPermissions'], flags)).toEqual([
      '--permission-mode bypassPermissions',
    ]);
    expect(broadFlagsIn(['-a', 'never', '--dangerously-skip-permissions'], flags)).toEqual([
      '--dangerously-skip-permissions',
      '-a never',
    ]);
    expect(broadFlagsIn(['--permission-mode', 'default', '-a', 'on-request'], flags)).toEqual([]);
  });
});
