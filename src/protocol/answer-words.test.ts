import { describe, expect, it } from 'vitest';
import { answerWords, isAnswerEvent } from './answer-words.js';
import type { WtpEvent } from './events.js';

const base = { seq: 7, ts: '2026-11-23T20:00:00.000Z', source: 'cli', agentId: 'ag-1', workspaceId: 'ws-1' };
const common = { via: 'cli' as const, tool: 'Bash', about: 'npm test', keys: ['enter'], waitedMs: 2_340 };

describe('answerWords', () => {
  it('says what was done, about what, from where, after how long, with which keys', () => {
    const approved = { ...base, type: 'agent.approved', data: { ...common, always: false, scope: null } };
    expect(answerWords(approved as WtpEvent & { type: 'agent.approved' })).toBe(
      'approved "npm test" via cli after 2.3 s (pressed enter)',
    );
    const always = {
      ...base,
      type: 'agent.approved',
      data: {
        ...common,
        via: 'policy',
        rule: 'Bash(npm test*)',
        always: true,
        scope: 'this session',
        keys: ['2'],
      },
    };
    expect(answerWords(always as WtpEvent & { type: 'agent.approved' })).toBe(
      'approved always (pressed "this session") "npm test" via policy Bash(npm test*) after 2.3 s (pressed 2)',
    );
    const modeChange = {
      ...always,
      data: {
        ...always.data,
        via: 'cli',
        rule: undefined,
        scope: 'Yes, and auto-accept edits',
        modeChange: true,
      },
    };
    expect(answerWords(modeChange as WtpEvent & { type: 'agent.approved' })).toBe(
      'approved always (pressed "Yes, and auto-accept edits", a mode change) "npm test" via cli after 2.3 s (pressed 2)',
    );
    const phone = { ...approved, data: { ...approved.data, via: 'dashboard', device: 'pixel-9' } };
    expect(answerWords(phone as WtpEvent & { type: 'agent.approved' })).toBe(
      'approved "npm test" via dashboard from device "pixel-9" after 2.3 s (pressed enter)',
    );
    const denied = { ...base, type: 'agent.denied', data: { ...common, keys: ['esc'], message: 'not now' } };
    expect(answerWords(denied as WtpEvent & { type: 'agent.denied' })).toBe(
      'denied "npm test" via cli after 2.3 s, told "not now" (pressed esc)',
    );
    const answered = {
      ...base,
      type: 'agent.answered',
      data: { ...common, about: 'Blue', keys: ['down', 'enter'], text: 'blue', option: 2 },
    };
    expect(answerWords(answered as WtpEvent & { type: 'agent.answered' })).toBe(
      'answered "blue" via cli after 2.3 s (pressed down enter)',
    );
    expect(isAnswerEvent(answered as WtpEvent)).toBe(true);
    // Through the hook nothing is pressed; a record with neither keys nor hook says so, not "pressed ".
    const hooked = { ...approved, data: { ...approved.data, via: 'policy', keys: [], channel: 'hook' } };
    expect(answerWords(hooked as WtpEvent & { type: 'agent.approved' })).toMatch(
      /\(through its permission hook\)$/,
    );
    const bare = { ...approved, data: { ...approved.data, keys: [] } };
    expect(answerWords(bare as WtpEvent & { type: 'agent.approved' })).toMatch(/\(no key recorded\)$/);
    expect(isAnswerEvent({ ...base, type: 'agent.detached', data: { client: 'x' } } as WtpEvent)).toBe(false);
  });
});
