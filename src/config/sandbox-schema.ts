import { z } from 'zod';
import { PROFILE_NAMES } from '../protocol/constants.js';
import { sandboxHostSchema } from '../protocol/sandbox.js';

const path = z
  .string()
  .min(1)
  .refine((p) => (p.startsWith('/') || p === '~' || p.startsWith('~/')) && !/[\0\n]/.test(p), {
    message: 'must be an absolute path or ~/…, without NUL or a newline',
  });

/** The config's `sandbox` section: which agents run sandboxed, and what their sandbox lets through (docs/sandbox.md). */
export const sandboxConfigSchema = z
  .strictObject({
    profiles: z
      .array(z.enum(PROFILE_NAMES))
      .default([])
      .describe(
        'Profiles whose agents always run sandboxed, as with `wtp new --sandbox` (a template pane, a task or `--sandbox=false` can still say otherwise)',
      ),
    allowHosts: z
      .array(sandboxHostSchema)
      .default([])
      .describe(
        'Hosts every sandboxed agent may reach besides its CLI’s API hosts: `host`, `*.domain`, `host:port`, `127.0.0.1:8080` (a loopback host with a port is reachable at that address inside)',
      ),
    allowRead: z
      .array(path)
      .default([])
      .describe('Paths sandboxed agents may read that the sandbox hides by default (~/.npmrc)'),
    allowWrite: z
      .array(path)
      .default([])
      .describe(
        'Paths sandboxed agents may write besides their worktree, temporary folder and CLI state (never `/` or the whole home)',
      ),
    hosts: z
      .partialRecord(z.enum(PROFILE_NAMES), z.array(sandboxHostSchema))
      .default({})
      .describe(
        'Per profile, the model API hosts in place of its vendor’s (a company gateway): `{ claude: [llm.corp.example:443] }`',
      ),
  })
  .default({ profiles: [], allowHosts: [], allowRead: [], allowWrite: [], hosts: {} })
  .describe('Sandboxed agents (docs/sandbox.md): bubblewrap on Linux');
