import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { PROFILES } from '../../vendors/registry.js';
import { FsTurnTranscripts } from './turn-transcripts.js';

const SID = 'a45d805b-7516-4cb3-9ffd-81c5200ca8c5';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function world(o: { uid?: number; maxBytes?: number; againMs?: number; withinMs?: number } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'wtp-transcripts-'));
  dirs.push(home);
  const folder = join(home, '.copilot', 'session-state', SID);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'events.jsonl');
  const reader = new FsTurnTranscripts({ catalog: PROFILES, env: () => ({ HOME: home }), ...o });
  const agent = agentRecord({ id: 'ag-1', name: 'c1', profile: 'copilot' });
  return { home, file, reader, agent };
}

const events = (message: string) =>
  [
    JSON.stringify({ type: 'user.message', data: { content: 'pick' } }),
    JSON.stringify({ type: 'assistant.message', data: { content: message } }),
  ].join('\n');

describe('FsTurnTranscripts: hostile files first', () => {
  it('does not follow a link, read a file of another user, or one over its bound', async () => {
    const w = world();
    const elsewhere = join(w.home, 'secret.jsonl');
    writeFileSync(elsewhere, events('Which secret should I leak?'));
    symlinkSync(elsewhere, w.file);
    expect(await w.reader.lastMessage(w.agent, SID, 0)).toBeNull();
    rmSync(w.file);
    writeFileSync(w.file, events('Which one?'));
    const other = new FsTurnTranscripts({ catalog: PROFILES, env: () => ({ HOME: w.home }), uid: 123_456 });
    expect(await other.lastMessage(w.agent, SID, 0)).toBeNull();
    const small = new FsTurnTranscripts({ catalog: PROFILES, env: () => ({ HOME: w.home }), maxBytes: 10 });
    expect(await small.lastMessage(w.agent, SID, 0)).toBeNull();
  });

  it('reads nothing for a session id that is not a UUID, or a profile without a session file', async () => {
    const w = world();
    writeFileSync(w.file, events('Which one?'));
    expect(await w.reader.lastMessage(w.agent, `../${SID}`, 0)).toBeNull();
    expect(await w.reader.lastMessage(agentRecord({ id: 'ag-2', profile: 'claude' }), SID, 0)).toBeNull();
  });
});

describe('FsTurnTranscripts', () => {
  it('gives the turn’s last assistant message from the session file', async () => {
    const w = world();
    writeFileSync(w.file, events('Which database should I use, Postgres or SQLite?'));
    expect(await w.reader.lastMessage(w.agent, SID, 0)).toEqual({
      message: 'Which database should I use, Postgres or SQLite?',
      from: 'session file events.jsonl assistant.message',
    });
  });

  it('reads again while the file records fewer turn ends than were told: the last one is not in it yet', async () => {
    const w = world({ againMs: 20 });
    const end = JSON.stringify({ type: 'hook.start', data: { hookType: 'agentStop' } });
    writeFileSync(w.file, `${events('Which database should I use?')}\n${end}\n`);
    // The reply's Stop came (the second end); its turn reaches the file a moment later.
    const read = w.reader.lastMessage(w.agent, SID, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(
      w.file,
      `${events('Which database should I use?')}\n${end}\n${events('Done: Postgres.')}\n${end}\n`,
    );
    expect(await read).toMatchObject({ message: 'Done: Postgres.' });
    // Never caught up: no message, rather than the earlier turn's.
    const stale = world({ againMs: 1, withinMs: 50 });
    writeFileSync(stale.file, `${events('Which database should I use?')}\n${end}\n`);
    expect(await stale.reader.lastMessage(stale.agent, SID, 2)).toBeNull();
  });

  it('waits for a file not created yet, and stops waiting once the turn is no longer wanted', async () => {
    const w = world({ againMs: 10 });
    const read = w.reader.lastMessage(w.agent, SID, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const end = JSON.stringify({ type: 'hook.start', data: { hookType: 'agentStop' } });
    writeFileSync(w.file, `${events('Which database should I use?')}\n${end}\n`);
    expect(await read).toMatchObject({ message: 'Which database should I use?' });
    let wanted = true;
    const gone = world({ againMs: 10 });
    const waiting = gone.reader.lastMessage(gone.agent, SID, 1, () => wanted);
    await new Promise((resolve) => setTimeout(resolve, 30));
    wanted = false;
    writeFileSync(gone.file, `${events('Which database should I use?')}\n${end}\n`);
    expect(await waiting).toBeNull();
  });

  it('gives up at once on a file that turns into a link while it is waited for', async () => {
    const w = world({ againMs: 10 });
    writeFileSync(w.file, events('Which one?'));
    const read = w.reader.lastMessage(w.agent, SID, 1);
    const elsewhere = join(w.home, 'secret.jsonl');
    const end = JSON.stringify({ type: 'hook.start', data: { hookType: 'agentStop' } });
    writeFileSync(elsewhere, `${events('Which secret should I leak?')}\n${end}\n`);
    rmSync(w.file);
    symlinkSync(elsewhere, w.file);
    const started = Date.now();
    expect(await read).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
