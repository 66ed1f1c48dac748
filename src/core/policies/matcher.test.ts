import { describe, expect, it } from 'vitest';
import {
  broadFlagsIn,
  isBlanket,
  parseApprovalRule,
  type ApprovalRule,
} from '../../protocol/approval-rule.js';
import { decide, ruleMatches, type MatchContext } from './matcher.js';

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
const allows = (r: string, tool: string, about: string | undefined, ctx = claude): boolean =>
  ruleMatches(rule(r), { tool, about }, ctx, true);

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

describe('approval rules: commands', () => {
  it('matches a command by glob, `*` being any characters', () => {
    expect(allows('Bash(npm test*)', 'Bash', 'npm test')).toBe(true);
    expect(allows('Bash(npm test*)', 'Bash', 'npm test -- --watch=false')).toBe(true);
    expect(allows('Bash(npm test*)', 'Bash', '  npm   test  ')).toBe(true);
    expect(allows('Bash(npm test*)', 'Bash', 'npm install')).toBe(false);
    expect(allows('Bash(npm test*)', 'Bash', 'xnpm test')).toBe(false);
    expect(allows('Bash(npm run test:*)', 'Bash', 'npm run test')).toBe(true);
    expect(allows('Bash(npm run test:*)', 'Bash', 'npm run test:unit')).toBe(false);
    expect(allows('Bash(npm run test:*)', 'Bash', 'npm run test foo')).toBe(true);
  });

  it.each([
    'npm test; rm -rf /',
    'npm test && rm -rf /',
    'npm test || rm -rf /',
    'npm test | sh',
    'npm test `rm -rf /`',
    'npm test $(rm -rf /)',
    'npm test > /etc/passwd',
    'npm test < /dev/zero',
    'npm test & rm -rf /',
    'npm test\nrm -rf /',
    'npm test ${IFS}',
  ])('an allow glob never matches a command with a control operator it lacks: %j', (command) => {
    expect(allows('Bash(npm test*)', 'Bash', command)).toBe(false);
    expect(allows('Bash(*)', 'Bash', command)).toBe(false);
  });

  it('a glob that holds the operator matches it', () => {
    expect(allows('Bash(npm test | tee *)', 'Bash', 'npm test | tee out.txt')).toBe(true);
    expect(allows('Bash(npm test | tee *)', 'Bash', 'npm test | tee out.txt; rm -rf /')).toBe(false);
  });

  it('a deny glob matches any command within the line', () => {
    const r = rule('Bash(rm *)');
    const denied = (about: string): boolean => ruleMatches(r, { tool: 'Bash', about }, claude, false);
    expect(denied('rm -rf /')).toBe(true);
    expect(denied('npm test; rm -rf /')).toBe(true);
    expect(denied('npm test && rm -rf /')).toBe(true);
    expect(denied('echo $(rm -rf /)')).toBe(true);
    expect(denied('npm test')).toBe(false);
  });

  it('Bash means the shell tool of every vendor; a vendor scope limits it', () => {
    expect(allows('Bash(npm test*)', 'run_shell_command', 'npm test', gemini)).toBe(true);
    expect(allows('run_shell_command(npm test*)', 'run_shell_command', 'npm test', gemini)).toBe(true);
    expect(allows('claude:Bash(npm test*)', 'run_shell_command', 'npm test', gemini)).toBe(false);
    expect(allows('gemini:Bash(npm test*)', 'run_shell_command', 'npm test', gemini)).toBe(true);
    expect(allows('Bash(npm test*)', 'write_file', 'npm test', gemini)).toBe(false);
  });

  it('a request whose tool or target is unknown matches no rule that names them', () => {
    expect(ruleMatches(rule('Bash(npm test*)'), { about: 'npm test' }, claude, true)).toBe(false);
    expect(ruleMatches(rule('Bash(npm test*)'), { tool: 'Bash' }, claude, true)).toBe(false);
    expect(ruleMatches(rule('Bash'), { tool: 'Bash' }, claude, true)).toBe(true);
    expect(ruleMatches(rule('*'), {}, claude, true)).toBe(true);
  });
});

describe('approval rules: paths', () => {
  it('matches a path relative to the agent directory, absolute or not', () => {
    expect(allows('Write(src/**)', 'Write', 'src/a/b.ts')).toBe(true);
    expect(allows('Write(src/**)', 'Write', '/work/app/src/a.ts')).toBe(true);
    expect(allows('Write(src/*.ts)', 'Write', 'src/a.ts')).toBe(true);
    expect(allows('Write(src/**)', 'Write', 'test/a.ts')).toBe(false);
    expect(allows('Write(src/**)', 'Write', '/elsewhere/src/a.ts')).toBe(false);
    expect(allows('Edit(src/**)', 'MultiEdit', 'src/a.ts')).toBe(true);
    expect(allows('Write(src/**)', 'write_file', 'src/a.ts', gemini)).toBe(true);
    const codex = { ...gemini, profile: 'codex', tools: { Write: ['apply_patch'], Edit: ['apply_patch'] } };
    expect(allows('Edit(src/**)', 'apply_patch', 'src/a.ts', codex)).toBe(true);
    expect(allows('Write(src/**)', 'apply_patch', 'src/a.ts', codex)).toBe(true);
  });

  it('never allows a path that climbs out with .. unless the glob says so', () => {
    expect(allows('Write(src/**)', 'Write', 'src/../../etc/passwd')).toBe(false);
    expect(allows('Write(src/**)', 'Write', '/work/app/src/../../../etc/passwd')).toBe(false);
    expect(allows('Write(../shared/*)', 'Write', '../shared/x')).toBe(true);
  });
});

describe('decide', () => {
  const rules = { allow: [rule('Bash(npm *)'), rule('Read')], deny: [rule('Bash(npm publish*)')] };
  it('deny wins over allow, and names the rule', () => {
    expect(decide(rules, { tool: 'Bash', about: 'npm test' }, claude)).toEqual({
      action: 'approve',
      rule: 'Bash(npm *)',
    });
    expect(decide(rules, { tool: 'Bash', about: 'npm publish --tag x' }, claude)).toEqual({
      action: 'deny',
      rule: 'Bash(npm publish*)',
    });
    expect(decide(rules, { tool: 'Read', about: '/etc/hosts' }, claude)).toMatchObject({ action: 'approve' });
    expect(decide(rules, { tool: 'Bash', about: 'rm -rf /' }, claude)).toBeNull();
    expect(decide(rules, { tool: 'Bash', about: 'npm test; rm -rf /' }, claude)).toBeNull();
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
