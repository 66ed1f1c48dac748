import { describe, expect, it } from 'vitest';
import { checkSyntax } from './doc-syntax.js';

describe('checkSyntax (console blocks that cannot run here)', () => {
  it('accepts commands the real wtp program parses', async () => {
    expect(await checkSyntax('wtp up --detach')).toBeNull();
    expect(await checkSyntax("wtp new claude --name api --prompt 'add a /health route'")).toBeNull();
    expect(
      await checkSyntax('wtp workspace new shop --template quad && wtp workspace switch shop'),
    ).toBeNull();
    expect(await checkSyntax('wtp ls --help')).toBeNull();
  });

  it('refuses an unknown command, subcommand or option, and a missing argument', async () => {
    expect(await checkSyntax('wtp nwe shell')).toMatch(/^wtp nwe shell: .*unknown command 'nwe'/);
    expect(await checkSyntax('wtp workspace swich shop')).toMatch(/unknown command 'swich'/);
    expect(await checkSyntax('wtp up --detatch')).toMatch(/unknown option '--detatch'/);
    expect(await checkSyntax('wtp workspace new')).toMatch(/missing required argument 'name'/);
  });

  it('refuses what bash cannot parse, and runs nothing else', async () => {
    expect(await checkSyntax("wtp send api 'unbalanced")).toMatch(/^bash: /);
    expect(await checkSyntax('touch /tmp/doc-syntax-must-not-exist; wtp ls')).toBeNull();
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/doc-syntax-must-not-exist')).toBe(false);
  });
});
