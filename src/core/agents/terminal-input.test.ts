import { describe, expect, it } from 'vitest';
import { agentOf, bytes, makeCore, startAgent, text } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import { AUDIT_QUIET_MS, classifyKeys, TerminalInput } from './terminal-input.js';

describe('classifyKeys', () => {
  it('tells terminal reports, the keys that stop an agent, and everything else apart', () => {
    expect(classifyKeys('\x1b')).toBe('interrupt');
    expect(classifyKeys('\x03')).toBe('interrupt');
    expect(classifyKeys('\x1b[I')).toBe('report');
    expect(classifyKeys('\x1b[O\x1b[I')).toBe('report');
    expect(classifyKeys('\x1b[<0;12;5M\x1b[<0;12;5m')).toBe('report');
    expect(classifyKeys('\x1b[M !!')).toBe('report');
    expect(classifyKeys('a')).toBe('text');
    expect(classifyKeys('\r')).toBe('text');
    expect(classifyKeys('\x1b[A')).toBe('text'); // an arrow key moves a selection: not harmless
    expect(classifyKeys('\x1b\x1b')).toBe('text');
    expect(classifyKeys('\x1b[Ix')).toBe('text');
  });
});

async function rig(guard = true) {
  const h = await makeCore();
  const { id, link } = await startAgent(h);
  const agent = agentOf(h, id);
  const input = new TerminalInput(
    { registry: h.core.registry, clock: h.clock, write: (a, b) => h.core.service.typeRaw(a, b) },
    agent,
    guard ? 'dashboard' : 'cli-attach',
    'user',
    guard,
  );
  const type = (s: string) => input.type(bytes(s), s);
  const typed = () => link.inputs.map(text).join('');
  const audited = () => h.store.ofType('agent.inputSent', id).map((e) => e.data);
  const working = (since: number) => {
    agent.state = 'working';
    agent.stateSince = since;
    agent.stateDetail = { reason: 'working', source: 'hook', evidence: 'hook UserPromptSubmit' };
  };
  return { h, agent, input, type, typed, audited, working };
}

describe('TerminalInput (the safe-input path of a live terminal)', () => {
  it('types into an agent that is not working and audits a line at Enter', async () => {
    const r = await rig();
    expect(r.type('ls')).toBeNull();
    expect(r.type(' -l\r')).toBeNull();
    await flush();
    expect(r.typed()).toBe('ls -l\r');
    expect(r.audited()).toEqual([
      expect.objectContaining({ text: 'ls -l', bytes: 6, enter: true, raw: true, via: 'dashboard' }),
    ]);
  });

  it('keys typed into a permission dialog are recorded as the answer to it', async () => {
    const r = await rig();
    r.agent.state = 'needs_permission';
    r.agent.stateSince = r.h.clock.now();
    r.agent.stateDetail = {
      reason: 'permission',
      source: 'hook',
      tool: 'Bash',
      request: { kind: 'permission', tool: 'Bash', about: 'npm test' },
    };
    r.h.clock.advance(2_000);
    expect(r.type('1')).toBeNull();
    r.input.close();
    await flush();
    expect(r.h.store.ofType('agent.dialogKeysSent', r.agent.id).map((e) => e.data)).toEqual([
      {
        keys: '1',
        enter: false,
        reason: 'permission',
        tool: 'Bash',
        about: 'npm test',
        unknownDialog: false,
        waitedMs: 2_000,
      },
    ]);
    expect(r.audited()).toEqual([expect.objectContaining({ text: '1', stateAtSend: 'needs_permission' })]);
  });

  it('audits a pause in typing once, after AUDIT_QUIET_MS, and what is left when it closes', async () => {
    const r = await rig();
    r.type('y');
    r.h.clock.advance(AUDIT_QUIET_MS - 1);
    await flush();
    expect(r.audited()).toEqual([]);
    r.h.clock.advance(1);
    await flush();
    expect(r.audited()).toEqual([expect.objectContaining({ text: 'y', enter: false })]);
    r.type('n');
    r.input.close();
    await flush();
    expect(r.audited().map((e) => e.text)).toEqual(['y', 'n']);
  });

  it('holds text typed into a working agent and says why; Esc, Ctrl-C and reports pass', async () => {
    const r = await rig();
    r.working(r.h.clock.now());
    expect(r.type('more please\r')).toEqual({
      state: 'working',
      evidence: 'hook UserPromptSubmit',
      source: 'hook',
    });
    expect(r.type('\x1b[I')).toBeNull();
    expect(r.type('\x1b')).toBeNull();
    expect(r.type('\x03')).toBeNull();
    r.input.close();
    await flush();
    expect(r.typed()).toBe('\x1b[I\x1b\x03');
    // Reports are not typing; the interrupts are recorded, not as forced.
    expect(r.audited()).toEqual([expect.objectContaining({ text: '\x1b\x03', stateAtSend: 'working' })]);
    expect(r.audited()[0]?.forced).toBeUndefined();
  });

  it('types into a working agent after force, until its state changes', async () => {
    const r = await rig();
    r.working(r.h.clock.now());
    r.input.force();
    expect(r.type('queued\r')).toBeNull();
    await flush();
    expect(r.audited()).toEqual([
      expect.objectContaining({ text: 'queued', forced: true, stateAtSend: 'working' }),
    ]);
    r.h.clock.advance(10);
    r.working(r.h.clock.now()); // a new turn: the earlier "type anyway" does not carry over
    expect(r.type('x')).not.toBeNull();
    expect(r.typed()).toBe('queued\r');
  });

  it('without the guard (wtp attach) types everything, also into a working agent, and audits it', async () => {
    const r = await rig(false);
    r.working(r.h.clock.now());
    expect(r.type('more please\r')).toBeNull();
    expect(r.type('\x1b[I')).toBeNull();
    await flush();
    expect(r.typed()).toBe('more please\r\x1b[I');
    expect(r.audited()).toEqual([
      expect.objectContaining({
        text: 'more please',
        enter: true,
        stateAtSend: 'working',
        via: 'cli-attach',
      }),
    ]);
    expect(r.audited()[0]?.forced).toBeUndefined();
  });
});
