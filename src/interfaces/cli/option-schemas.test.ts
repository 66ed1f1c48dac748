import { describe, expect, it } from 'vitest';
import { CliContext, NO_DAEMON } from './context.js';
import { buildProgram } from './main.js';
import { optionSchemas, type OptionSchemas } from './option-schemas.js';

const program = buildProgram(
  new CliContext({
    version: '0.0.0-test',
    entry: '/dev/null',
    nodePath: process.execPath,
    daemon: NO_DAEMON,
  }),
);

describe('CLI option schemas', () => {
  // validate.ts skips zod when no option was typed: sound only if every default is valid.
  it.each(Object.keys(optionSchemas) as (keyof OptionSchemas)[])(
    '`wtp %s` defaults satisfy its schema',
    (name) => {
      const cmd = program.commands.find((c) => c.name() === name);
      if (!cmd) throw new Error(`no command ${name}`);
      expect(() => optionSchemas[name].parse(cmd.opts())).not.toThrow();
    },
  );

  it('covers every schema key with a real option of the command', () => {
    for (const [name, schema] of Object.entries(optionSchemas)) {
      const cmd = program.commands.find((c) => c.name() === name);
      const attrs = new Set(cmd?.options.map((o) => o.attributeName()));
      for (const key of Object.keys(schema.shape)) expect(attrs, `${name} --${key}`).toContain(key);
    }
  });
});
