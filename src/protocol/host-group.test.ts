import { describe, expect, it } from 'vitest';
import { parseClosedPanes, parseGroupMembers, parseGroupReply, parseGroupRequest } from './host-group.js';

describe('host group messages', () => {
  it('takes an add with string arguments and a close of a well-formed agent id', () => {
    expect(parseGroupRequest('{"op":"add","args":["--agent","ag-1"]}')).toEqual({
      op: 'add',
      args: ['--agent', 'ag-1'],
    });
    expect(parseGroupRequest('{"op":"close","agent":"ag-ABC_1"}')).toEqual({
      op: 'close',
      agent: 'ag-ABC_1',
    });
  });

  it.each([
    ['not JSON', '{op:add'],
    ['null', 'null'],
    ['an unknown op', '{"op":"exec","args":["sh"]}'],
    ['non-string args', '{"op":"add","args":["--agent",1]}'],
    ['too many args', JSON.stringify({ op: 'add', args: Array.from({ length: 65 }, () => 'x') })],
    ['an arg too long', JSON.stringify({ op: 'add', args: ['x'.repeat(4097)] })],
    ['a path as agent id', '{"op":"close","agent":"../ag"}'],
    ['an empty agent id', '{"op":"close","agent":""}'],
  ])('refuses %s', (_what, line) => {
    expect(parseGroupRequest(line)).toBeNull();
  });

  it('reads replies and refuses unknown codes', () => {
    expect(parseGroupReply('{"ok":true}')).toEqual({ ok: true });
    expect(parseGroupReply('{"ok":false,"code":"closing","message":"ending"}')).toMatchObject({
      code: 'closing',
    });
    expect(parseGroupReply('{"ok":false,"code":"other","message":"x"}')).toBeNull();
    expect(parseGroupReply('')).toBeNull();
  });

  it('reads a members file of agent ids only', () => {
    expect(parseGroupMembers('["ag-1","ag-2"]')).toEqual(['ag-1', 'ag-2']);
    expect(parseGroupMembers('["ag-1","../x"]')).toBeNull();
    expect(parseGroupMembers('{"ag-1":1}')).toBeNull();
    expect(parseGroupMembers('["ag-1"')).toBeNull();
  });

  it('reads a closed-panes file of agents in group panes only, and nothing else in it', () => {
    expect(parseClosedPanes('[{"agent":"ag-1","pane":"%3/4100"}]')).toEqual([
      { agent: 'ag-1', pane: '%3/4100' },
    ]);
    expect(parseClosedPanes('[]')).toEqual([]);
    expect(parseClosedPanes('[{"agent":"ag-1","pane":"%3"}]')).toBeNull();
    expect(parseClosedPanes('[{"agent":"ag-1","pane":"%3/4100","x":1}]')).toBeNull();
    expect(parseClosedPanes('["ag-1"]')).toBeNull();
    expect(parseClosedPanes('[')).toBeNull();
    expect(parseClosedPanes('[{"agent":"../x","pane":"%3/4100"}]')).toBeNull();
    expect(parseClosedPanes('[{"pane":"%3/4100"}]')).toBeNull();
    expect(parseClosedPanes('{"agent":"ag-1","pane":"%3/4100"}')).toBeNull();
    const many = Array.from({ length: 257 }, (_, i) => ({ agent: `ag-${i}`, pane: `%${i}/4100` }));
    expect(parseClosedPanes(JSON.stringify(many))).toBeNull();
    expect(parseClosedPanes(JSON.stringify(many.slice(1)))).toHaveLength(256);
  });
});
