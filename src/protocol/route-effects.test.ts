import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NUL_MESSAGE } from './argument-strings.js';
import { NUL_CHECK_EXEMPT, routes, type RouteDef } from './routes.js';

const all = Object.entries(routes) as [string, RouteDef][];

/**
 * The GET routes, each reviewed: it neither runs a command nor changes state. A browser sends a
 * GET, with the dashboard cookie, for an `<img>` on any page, so a new GET route must be added
 * here on purpose, after the same review.
 */
const REVIEWED_GET_ROUTES = [
  'health',
  'status',
  'fleetStatus', // what this daemon last read of the fleet database; queries nothing
  // the event loop's delay since the last read; starts Node's delay histogram (stopped a minute after
  // the last read): no command, no state anyone else sees
  'loopDelay',
  'listAgents',
  'getAgent',
  'getScreen',
  'getLogs',
  'listEvents',
  'timeReport',
  'stateTimeline',
  'statsHistory',
  'listWorkspaces',
  'agentWhy',
  'agentScreenRecord', // the screen and the detector's verdict on it; `wtp record-screen` writes the file
  // `<CLI> --version` of each agent CLI found (argv only, no shell, stdin closed, a 30 s limit, cached
  // per program file): the probe `wtp new` runs before every start; it changes nothing
  'listProfiles',
  'agentClis', // PATH lookups (stat, access) of the agent CLIs; runs nothing, not even `--version`
  'agentDiff', // git diff/ls-files with --no-ext-diff --no-textconv, in a private index copy
  'conflicts', // git merge-tree --write-tree: writes objects, never a ref or a worktree
  'agentPr', // the pull request as last polled; gh/glab run only from POST …/pr/refresh
  'listPrs', // the same, for every agent
  'setupShow', // reads the setup file; runs nothing
  'listTasks',
  'getTask',
  'compareTask', // diff stats and states only; the test commands are POST compareTaskTests
  'listQuota',
  // usage as last read by the meter's timer, priced; reads no file and writes nothing
  'costReport',
  'costSeries',
  'listBudgets',
  'listOrphans', // what the orphan hosts said in their hello; sends them nothing
  // the remote listener's settings and the paired devices, as kept; never served to a device
  'remoteStatus',
  'remoteDevices',
  'pushSettings', // the device's own subscription and the public VAPID key
];

/** Names of query fields that would carry something to run. */
const COMMAND_WORDS = /^(test|command|cmd|run|shell|argv|args|exec|script|setup)$/i;

describe('route effects', () => {
  it('has GET only for read routes, and everything else (state changes, commands) as POST or DELETE', () => {
    for (const [name, def] of all) {
      if (def.method === 'GET') expect(def.effect, name).toBe('read');
      else expect(['write', 'exec'], name).toContain(def.effect);
    }
  });

  it('lists every GET route as reviewed', () => {
    const gets = all.filter(([, d]) => d.method === 'GET').map(([n]) => n);
    expect(gets.sort()).toEqual([...REVIEWED_GET_ROUTES].sort());
  });

  it('takes no command in the query of a GET, and no body', () => {
    for (const [name, def] of all) {
      if (def.method !== 'GET') continue;
      expect(def.body, name).toBeUndefined();
      if (!def.query) continue;
      const props = Object.keys(
        (z.toJSONSchema(def.query, { io: 'input' }) as { properties?: object }).properties ?? {},
      );
      expect(
        props.filter((p) => COMMAND_WORDS.test(p)),
        name,
      ).toEqual([]);
    }
  });

  it('marks the routes that run commands as exec', () => {
    const exec = all.filter(([, d]) => d.effect === 'exec').map(([n]) => n);
    for (const name of ['createAgent', 'agentMerge', 'compareTaskTests', 'pickAttempt', 'sendInput'])
      expect(exec).toContain(name);
  });
});

describe('request strings', () => {
  const nulIssue = (schema: z.ZodType | undefined, value: unknown): unknown => {
    const r = schema?.safeParse(value);
    return r?.success === false ? r.error.issues.find((i) => i.message === NUL_MESSAGE)?.path : 'accepted';
  };

  it('refuses a NUL in any path parameter of any route', () => {
    for (const [name, def] of all) {
      if (!def.params) continue;
      const keys = [...def.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');
      for (const key of keys) {
        const params = Object.fromEntries(keys.map((k) => [k, k === key ? 'a\u0000b' : 'a']));
        expect(nulIssue(def.params, params), `${name}.${key}`).toEqual([key]);
      }
    }
  });

  it('refuses a NUL anywhere in a body, with its path, however deep', () => {
    expect(nulIssue(routes.agentMerge.body, { into: '\u0000' })).toBeDefined();
    expect(nulIssue(routes.agentMerge.body, { test: 'make\u0000test' })).toEqual(['test']);
    expect(nulIssue(routes.compareTaskTests.body, { test: '\u0000' })).toEqual(['test']);
    expect(nulIssue(routes.pickAttempt.body, { attempt: 1, test: 'x\u0000' })).toEqual(['test']);
    const agent = { profile: 'cmd', cwd: '/', argv: ['echo', 'a\u0000'] };
    expect(nulIssue(routes.createAgent.body, agent)).toEqual(['argv', 1]);
    expect(nulIssue(routes.createAgent.body, { ...agent, argv: ['echo'], env: { A: '\u0000' } })).toEqual([
      'env',
      'A',
    ]);
    expect(nulIssue(routes.listAgents.query, { workspace: 'w\u0000' })).toEqual(['workspace']);
    // The one exemption: a hook call's free-form part (its named fields are still checked).
    expect(NUL_CHECK_EXEMPT).toEqual(['agentHook.body']);
    expect(nulIssue(routes.agentHook.body, { hook_event_name: 'Stop', tool_input: 'a\u0000' })).toBe(
      'accepted',
    );
    expect(nulIssue(routes.agentHook.body, { hook_event_name: 'St\u0000op' })).toEqual(['hook_event_name']);
  });

  it('refuses refs and option values that git or an agent CLI would read as an option', () => {
    const bad = (schema: z.ZodType | undefined, value: unknown) => schema?.safeParse(value).success;
    expect(bad(routes.agentMerge.body, { into: '-D' })).toBe(false);
    expect(bad(routes.agentMerge.body, { into: 'main\nx' })).toBe(false);
    expect(bad(routes.agentMerge.body, { into: 'feature/x-1' })).toBe(true);
    const agent = { profile: 'cmd', cwd: '/', argv: ['true'] };
    for (const field of ['base', 'branch', 'model', 'permissionMode']) {
      expect(bad(routes.createAgent.body, { ...agent, [field]: '--help' }), field).toBe(false);
      expect(bad(routes.createAgent.body, { ...agent, [field]: 'ok-value' }), field).toBe(true);
    }
    expect(bad(routes.createTask.body, { title: 't', prompt: 'p', model: 'opus' })).toBe(true);
    expect(bad(routes.createTask.body, { title: 't', prompt: 'p', model: '-x' })).toBe(false);
  });
});
