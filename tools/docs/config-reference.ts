import { repoConfigSchema } from '../../src/adapters/git/setup-script.js';
import { configSchema } from '../../src/config/schema.js';
import { describe, jsonSchemaOf, objectOf, typeText, type Node } from './json-schema.js';
import { code, generatedNote, table, text } from './markdown.js';

/** Rows of every key under `node`, depth first: key path, type, default, description. */
function rows(node: Node, prefix = ''): string[][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    const obj = objectOf(child);
    if (obj) return [[code(path), 'object', '', describe(child)], ...rows(obj, `${path}.`)];
    const def = child.default === undefined ? '' : code(JSON.stringify(child.default));
    return [[code(path), typeText(child), def, describe(child)]];
  });
}

/** docs/config.md: every key of config.yaml (src/config/schema.ts) and of a repository's own config. */
export function configReference(): string {
  const head = ['key', 'type', 'default', 'description'];
  return `${[
    '# Configuration',
    '',
    generatedNote(
      'the zod schemas in src/config/schema.ts and src/adapters/git/setup-script.ts (tools/docs/config-reference.ts)',
    ),
    '',
    '## `config.yaml`',
    '',
    'The file is optional: `config.yaml` in the config folder (`$WTP_HOME`, else `$XDG_CONFIG_HOME/wezterm-parallel`,',
    'else `~/.config/wezterm-parallel`), or the file `WTP_CONFIG` names. Every key is optional and has its default;',
    'unknown keys are refused. An invalid file stops the daemon with `CONFIG_INVALID` and the path and line of every',
    'problem. The same schema is `schemas/config.schema.json` (for editors). The daemon reads the file when it',
    'starts: restart it (`wtp down`, `wtp up`) after a change. `WTP_API_PORT`, `WTP_LOG_LEVEL` and `WTP_BACKEND`',
    'override their keys (docs/environment.md).',
    '',
    table(head, rows(jsonSchemaOf(configSchema, 'input'))),
    '',
    "## A repository's `.wezterm-parallel/config.yaml`",
    '',
    text(
      'A repository may hold its own config at the top of its tree. Nothing in it runs before the user approved its exact content (its sha256, kept in `<state dir>/setup-approvals.json`): `wtp setup show --repo DIR` prints it and its hash, `wtp setup approve --repo DIR` approves it; setup and test are approved together. Other keys are ignored.',
    ),
    '',
    table(head, rows(objectOf(jsonSchemaOf(repoConfigSchema, 'input')) ?? {})),
    '',
  ].join('\n')}`;
}
