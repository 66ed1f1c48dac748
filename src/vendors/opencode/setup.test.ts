import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { spawnMessage } from '../../core/lifecycle/spawn-message.js';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { PROFILES } from '../registry.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';
import { eventually } from '../../../test/support/harness.js';
import { opencodePlugin, withWtpPlugin } from './setup.js';

const world = profileWorlds();

type PluginModule = {
  WtpStatePlugin: (ctx?: {
    worktree?: string;
  }) => Promise<{ event: (e: { event: unknown }) => Promise<void> }>;
};

describe('FsProfileSetup (opencode)', () => {
  it('writes a 0600 plugin with the hook URL and token, loaded through OPENCODE_CONFIG_CONTENT', async () => {
    const w = world('echo 1.18.33');
    const setup = new FsProfileSetup(w.opts());
    const agent = { ...w.agent, profile: 'opencode' as const };
    const got = await setup.prepare(agent);
    const file = join(w.root, 'agents', 'ag-1', 'wtp-opencode-plugin.js');
    expect(got).toEqual({
      version: '1.18.33',
      profileArgs: [],
      profileEnv: { OPENCODE_CONFIG_CONTENT: JSON.stringify({ plugin: [pathToFileURL(file).href] }) },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const code = readFileSync(file, 'utf8');
    expect(code).toContain('"url":"http://127.0.0.1:7537/api/v1/hooks/ag-1","token":"token-for-ag-1"');
    // The token stays in the file: not in the environment, not in any argument.
    expect(JSON.stringify(got)).not.toContain('token-for');
    setup.cleanup('ag-1');
    expect(() => statSync(file)).toThrow();
  });

  it("keeps the user's own OPENCODE_CONFIG_CONTENT; a value that is not a JSON object leaves the plugin out", async () => {
    const w = world('echo 1.18.33');
    const own = JSON.stringify({ plugin: ['their-plugin'], model: 'x/y' });
    const agent = { ...w.agent, profile: 'opencode' as const, env: { OPENCODE_CONFIG_CONTENT: own } };
    const got = await new FsProfileSetup(w.opts()).prepare(agent);
    const content = JSON.parse(got.profileEnv?.OPENCODE_CONFIG_CONTENT ?? '{}') as Record<string, unknown>;
    expect(content).toEqual({
      plugin: ['their-plugin', pathToFileURL(join(w.root, 'agents', 'ag-1', 'wtp-opencode-plugin.js')).href],
      model: 'x/y',
    });
    const bad = { ...agent, env: { OPENCODE_CONFIG_CONTENT: '[1]' } };
    expect(await new FsProfileSetup(w.opts()).prepare(bad)).toEqual({ version: '1.18.33', profileArgs: [] });
    expect(withWtpPlugin('{not json', 'file:///p.js')).toBeNull();
  });

  it('command hooks (agents.claudeHooks: command): the plugin runs `wtp hook --agent ID`, no URL or token', async () => {
    const w = world('echo 1.18.33');
    const setup = new FsProfileSetup(w.opts({ hookTransport: 'command' }));
    await setup.prepare({ ...w.agent, profile: 'opencode' as const });
    const code = readFileSync(join(w.root, 'agents', 'ag-1', 'wtp-opencode-plugin.js'), 'utf8');
    expect(code).toContain(
      '"http":null,"command":["/usr/bin/node","/app/bin/wtp.js","hook","--agent","ag-1"]',
    );
    expect(code).not.toContain('token-for');
  });
});

describe('spawning an OpenCode agent', () => {
  it("sets the profile's environment over the agent's own, and resumes with --session", () => {
    const profileEnv = { OPENCODE_CONFIG_CONTENT: '{"plugin":["file:///a/wtp-opencode-plugin.js"]}' };
    const agent = agentRecord({
      id: 'ag-1',
      profile: 'opencode',
      args: ['--model', 'x/y'],
      env: { OPENCODE_CONFIG_CONTENT: '{}', KEEP: '1' },
      profileEnv,
      sessionId: 'ses_abc',
    });
    const msg = spawnMessage(PROFILES, agent, { OPENCODE_CONFIG_CONTENT: 'daemon', HOME: '/h' });
    expect(msg).toMatchObject({
      type: 'spawn',
      args: ['--session', 'ses_abc', '--model', 'x/y'],
      env: { ...profileEnv, KEEP: '1', HOME: '/h', WTP_AGENT_ID: 'ag-1' },
    });
  });
});

describe('the OpenCode plugin (run in Node: the same fetch and child_process that Bun has)', () => {
  const SID = 'ses_root';
  const ev = (type: string, properties: Record<string, unknown>) => ({ event: { type, properties } });
  /** What OpenCode 1.18.33 sent to a plugin for: a turn, a subagent, a bash permission, a question, Esc Esc. */
  const EVENTS = [
    ev('session.created', { info: { id: SID } }),
    ev('session.status', { sessionID: SID, status: { type: 'busy' } }),
    ev('message.part.updated', { part: { sessionID: SID, text: 'x'.repeat(5000) } }),
    ev('session.created', { info: { id: 'ses_child', parentID: SID } }),
    ev('session.status', { sessionID: 'ses_child', status: { type: 'busy' } }),
    ev('permission.asked', {
      id: 'per_1',
      sessionID: SID,
      permission: 'bash',
      patterns: ['echo hi > out.txt'],
      metadata: { command: 'echo hi > out.txt' },
      always: ['echo *'],
    }),
    ev('permission.replied', { sessionID: SID, requestID: 'per_1', reply: 'once' }),
    ev('question.asked', {
      id: 'que_1',
      sessionID: SID,
      questions: [{ question: 'Which colour?', options: [] }],
    }),
    // Not recorded: a question with options (the question tool's schema), whose labels go along.
    ev('question.asked', {
      id: 'que_2',
      sessionID: SID,
      questions: [
        { question: 'Which size?', options: [{ label: 'S', description: 'small' }, { label: 'L' }] },
      ],
    }),
    ev('session.error', { sessionID: SID, error: { name: 'MessageAbortedError', data: {} } }),
    ev('session.status', { sessionID: SID, status: { type: 'idle' } }),
    ev('session.idle', { sessionID: SID }),
    // An aborted turn: OpenCode 1.18.33 fires session.idle twice.
    ev('session.idle', { sessionID: SID }),
    ev('session.status', { sessionID: SID, status: { type: 'busy' } }),
    // A 429 retried: each new attempt starts with busy.
    ev('session.status', { sessionID: SID, status: { type: 'retry', attempt: 1, message: 'Rate', next: 5 } }),
    ev('session.status', { sessionID: SID, status: { type: 'busy' } }),
    ev('session.status', { sessionID: SID, status: { type: 'retry', attempt: 2, message: 'Rate', next: 9 } }),
    ev('session.status', { sessionID: SID, status: { type: 'busy' } }),
    ev('message.part.updated', { part: { sessionID: SID, text: 'answered' } }),
    ev('session.idle', { sessionID: SID }),
  ];

  it('posts the events it forwards, in order, cut down, with the token; the last error goes with the idle', async () => {
    const bodies: unknown[] = [];
    const auth: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        auth.push(req.headers.authorization);
        bodies.push(JSON.parse(text));
        // A slow answer: later events must still arrive after this one.
        setTimeout(() => res.end('{}'), bodies.length === 1 ? 100 : 0);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const w = world();
      const file = join(w.root, 'plugin.mjs');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/hooks/ag-1`;
      writeFileSync(file, opencodePlugin({ http: { url, token: 'tok' }, command: ['false'] }));
      const mod = (await import(pathToFileURL(file).href)) as PluginModule;
      const hooks = await mod.WtpStatePlugin();
      for (const e of EVENTS) await hooks.event(e);
      await eventually('every forwarded event', () => bodies.length >= 14);
      const b = (event: string, properties: Record<string, unknown> = {}, more = {}) => ({
        hook_event_name: event,
        session_id: SID,
        subagent: false,
        properties,
        ...more,
      });
      expect(bodies).toEqual([
        b('session.created'),
        b('session.status', { type: 'busy' }),
        { ...b('session.created'), session_id: 'ses_child', subagent: true },
        { ...b('session.status', { type: 'busy' }), session_id: 'ses_child', subagent: true },
        b('permission.asked', { permission: 'bash', about: 'echo hi > out.txt', aboutCut: false }),
        b('permission.replied', { reply: 'once' }),
        b('question.asked', { question: 'Which colour?', options: [] }),
        b('question.asked', { question: 'Which size?', options: ['S', 'L'] }),
        b('session.idle', {}, { error: 'MessageAbortedError' }),
        b('session.idle', {}, { error: 'MessageAbortedError' }),
        b('session.status', { type: 'busy' }),
        b('session.status', { type: 'retry', attempt: 1, message: 'Rate', next: 5 }),
        b('session.status', { type: 'retry', attempt: 2, message: 'Rate', next: 9 }),
        b('session.idle'),
      ]);
      expect(new Set(auth)).toEqual(new Set(['Bearer tok']));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("names what each permission's dialog draws: an outside folder, a read's file in the worktree, a command", async () => {
    const w = world();
    const log = join(w.root, 'asked.log');
    const cmd = join(w.root, 'asked.sh');
    writeFileSync(cmd, `#!/bin/sh\ncat >> '${log}'\necho >> '${log}'\n`, { mode: 0o755 });
    const file = join(w.root, 'plugin-asked.mjs');
    writeFileSync(file, opencodePlugin({ http: null, command: [cmd] }));
    const mod = (await import(pathToFileURL(file).href)) as PluginModule;
    const hooks = await mod.WtpStatePlugin({ worktree: '/' });
    const asked = (permission: string, patterns: string[], metadata: Record<string, unknown>) =>
      ev('permission.asked', { sessionID: SID, permission, patterns, metadata, always: patterns });
    // As OpenCode 1.18.33 asks them (its read's pattern is relative to the worktree, `/` outside git).
    await hooks.event(
      asked('external_directory', ['/w/out/*'], { filepath: '/w/out/x.txt', parentDir: '/w/out' }),
    );
    await hooks.event(
      asked('external_directory', ['/w/a/*', '/w/b/*'], {
        command: 'ls /w/a /w/b',
        directories: ['/w/a', '/w/b'],
      }),
    );
    await hooks.event(asked('read', ['p/r1.env'], {}));
    await hooks.event(asked('doom_loop', ['read'], { tool: 'read', input: {} }));
    await hooks.event(asked('bash', ['touch x'], { command: 'touch x' }));
    const lines = await eventually('five hook runs', () => {
      const l = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      return l.length >= 5 ? l : undefined;
    });
    expect(lines.map((l) => (JSON.parse(l) as { properties: unknown }).properties)).toEqual([
      // Whole (aboutCut false) only for the request's own target; a repeated call's pattern is not one.
      { permission: 'external_directory', about: '/w/out', aboutCut: false },
      { permission: 'external_directory', about: '/w/a', aboutCut: false },
      { permission: 'read', about: '/p/r1.env', aboutCut: false },
      { permission: 'doom_loop', about: 'read', aboutCut: true },
      { permission: 'bash', about: 'touch x', aboutCut: false },
    ]);
  });

  it('without http, runs the command with the body on stdin', async () => {
    const w = world();
    const log = join(w.root, 'hook.log');
    const cmd = join(w.root, 'hook.sh');
    writeFileSync(cmd, `#!/bin/sh\ncat >> '${log}'\necho >> '${log}'\n`, { mode: 0o755 });
    const file = join(w.root, 'plugin-cmd.mjs');
    writeFileSync(file, opencodePlugin({ http: null, command: [cmd] }));
    const mod = (await import(pathToFileURL(file).href)) as PluginModule;
    const hooks = await mod.WtpStatePlugin();
    await hooks.event(ev('session.status', { sessionID: SID, status: { type: 'busy' } }));
    await hooks.event(ev('session.idle', { sessionID: SID }));
    const lines = await eventually('two hook runs', () => {
      const text = (() => {
        try {
          return readFileSync(log, 'utf8');
        } catch {
          return '';
        }
      })();
      const l = text.split('\n').filter(Boolean);
      return l.length >= 2 ? l : undefined;
    });
    expect(lines.map((l) => (JSON.parse(l) as { hook_event_name: string }).hook_event_name)).toEqual([
      'session.status',
      'session.idle',
    ]);
  });
});
