import { EVENT_SOURCES, EVENT_TYPES, eventSchema, type EventType } from '../../src/protocol/events.js';
import { describe, jsonSchemaOf, objectOf, typeText, type Node } from './json-schema.js';
import { anchor, code, generatedNote, table, text } from './markdown.js';

/** Nested objects with more fields than this are named, not spelled out (an agent, a task). */
const SPELL_OUT_MAX = 16;

function fieldRows(node: Node, prefix = ''): string[][] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    const optional = required.has(key) ? '' : ' (optional)';
    const obj = objectOf(child);
    if (!obj) return [[code(path), typeText(child) + optional, describe(child)]];
    const fields = Object.keys(obj.properties ?? {}).length;
    const big = fields > SPELL_OUT_MAX;
    const what = describe(child) || (big ? `its ${fields} fields are in docs/api/openapi.json` : '');
    const head = [code(path), `object${child === obj ? '' : ' \\| null'}${optional}`, what];
    return big ? [head] : [head, ...fieldRows(obj, `${path}.`)];
  });
}

/** docs/events.md: every event type of the log (src/protocol/events.ts), its payload and when it is written. */
export function eventsReference(): string {
  const root = jsonSchemaOf(eventSchema, 'output');
  const variants = root.oneOf ?? root.anyOf ?? [];
  const byType = new Map<string, Node>();
  for (const v of variants) {
    const t = v.properties?.type?.const;
    if (typeof t === 'string') byType.set(t, v);
  }
  const envelope = variants[0];
  const sections = EVENT_TYPES.map((type) => {
    const data = byType.get(type)?.properties?.data;
    if (!data?.description) {
      throw new Error(
        `event ${type} has no description: add .describe('when it is written') in src/protocol/events.ts`,
      );
    }
    return [
      `## ${code(type)}`,
      '',
      text(data.description),
      '',
      table(['field', 'type', 'meaning'], fieldRows(data)),
      '',
    ];
  });
  const base = Object.entries(envelope?.properties ?? {})
    .filter(([k]) => k !== 'type' && k !== 'data')
    .map(([k, n]) => [code(k), typeText(n), describe(n)]);
  return `${[
    '# Events',
    '',
    generatedNote('src/protocol/events.ts (tools/docs/events-reference.ts)'),
    '',
    'The daemon writes every change to an append-only event log (the `events` table of `wtp.db`; triggers refuse',
    'UPDATE and DELETE) and publishes it to subscribers. Read it with `wtp events` (`--follow`, `--type`, `--json`),',
    '`GET /api/v1/events/history?since=SEQ`, or the `/api/v1/events?since=SEQ&types=…&agent=…` WebSocket, which',
    'replays the log after `since` and then streams live events without a gap or a repeat.',
    '',
    'Every event has these fields, then `type` and `data` (the payload of its type, below):',
    '',
    table(
      ['field', 'type', 'meaning'],
      [
        ...base,
        [code('type'), 'string', 'One of the types below'],
        [code('data'), 'object', 'The payload of that type'],
      ],
    ),
    '',
    `\`source\` is who caused it: ${EVENT_SOURCES.map(code).join(', ')} (\`agent\`: the agent's own hooks).`,
    '',
    '## Types',
    '',
    ...EVENT_TYPES.map((t: EventType) => `- [${code(t)}](#${anchor(t)})`),
    '',
    ...sections.flat(),
  ].join('\n')}`;
}
