import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import type { McpServerEntry } from '../core/ports/vendor-setup.js';
import { claudeMcpConfig } from './claude/setup.js';
import { codexMcpArgs } from './codex/setup.js';
import { copilotMcpConfig } from './copilot/setup.js';
import { geminiAgentSettings } from './gemini/setup.js';
import { withWtpMcp } from './opencode/setup.js';

/** A path with the characters a config format must escape (quotes, backslash, a space). */
const M: McpServerEntry = {
  name: 'wtp',
  command: '/usr/bin/node',
  args: [
    '/opt/w t"p\\/dist/wtp.js',
    'mcp',
    '--token-file',
    '/s/agents/ag-1/mcp-token',
    '--socket',
    '/s/run/api.sock',
  ],
};
const HOOKS = { http: null, command: { command: 'wtp', args: ['hook', '--agent', 'ag-1'] } };

describe('the MCP server as each agent CLI registers it (issue 34)', () => {
  it('Claude Code: one stdio server in its --mcp-config document', () => {
    expect(claudeMcpConfig(M)).toEqual({
      mcpServers: { wtp: { type: 'stdio', command: M.command, args: M.args, env: {} } },
    });
  });

  it('Codex CLI: -c overrides whose TOML values read back exactly (no user file touched)', () => {
    const args = codexMcpArgs(M);
    expect(args.filter((_, i) => i % 2 === 0)).toEqual(['-c', '-c']);
    const doc = parseToml(args.filter((_, i) => i % 2 === 1).join('\n')) as {
      mcp_servers: { wtp: { command: string; args: string[] } };
    };
    expect(doc.mcp_servers.wtp).toEqual({ command: M.command, args: M.args });
  });

  it('Gemini CLI: beside the user’s own servers, which are kept', () => {
    const user = { mcpServers: { mine: { command: 'x' } }, theme: 'dark' };
    const doc = geminiAgentSettings(user, HOOKS, M) as { mcpServers: Record<string, unknown>; theme: string };
    expect(doc.mcpServers).toEqual({ mine: { command: 'x' }, wtp: { command: M.command, args: M.args } });
    expect(doc.theme).toBe('dark');
    expect('mcpServers' in geminiAgentSettings({}, HOOKS)).toBe(false);
  });

  it('OpenCode: a local server in the config content, the user’s plugins and servers kept', () => {
    const own = JSON.stringify({ plugin: ['p'], mcp: { mine: { type: 'remote', url: 'u' } } });
    const doc = JSON.parse(withWtpMcp(own, M) ?? 'null') as {
      plugin: string[];
      mcp: Record<string, unknown>;
    };
    expect(doc.plugin).toEqual(['p']);
    expect(doc.mcp).toEqual({
      mine: { type: 'remote', url: 'u' },
      wtp: { type: 'local', command: [M.command, ...M.args], enabled: true },
    });
    expect(withWtpMcp(own, null)).toBe(own);
    expect(withWtpMcp(null, M)).toBeNull();
  });

  it('Copilot CLI: one local server in its --additional-mcp-config document', () => {
    expect(copilotMcpConfig(M)).toEqual({
      mcpServers: { wtp: { type: 'local', command: M.command, args: M.args, tools: ['*'] } },
    });
  });
});
