import { z } from 'zod';

/** An absolute path without NUL or a newline: what every path of a sandbox policy must be. */
const policyPath = z
  .string()
  .min(2)
  .max(4096)
  .refine((p) => p.startsWith('/') && !/[\0\n]/.test(p) && !p.split('/').includes('..'), {
    message: 'must be an absolute path without "..", NUL or a newline',
  });

/**
 * A host an agent may reach through the sandbox's proxy: a name (`api.anthropic.com`), a
 * wildcard for its subdomains (`*.googleapis.com`), an IPv4 address or a bracketed IPv6 one,
 * with an optional `:port` (without it, any port).
 */
export const sandboxHostSchema = z
  .string()
  .max(260)
  .regex(
    /^(?:(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/,
    'must be a host name, *.domain, an IPv4 address or [IPv6], with an optional :port',
  )
  .refine((h) => {
    const port = /:(\d+)$/.exec(h.startsWith('[') ? h.slice(h.indexOf(']')) : h)?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
  }, 'the port must be 1-65535');

/** A loopback address and port the agent reaches at the same address inside its sandbox (a local model server). */
export const sandboxForwardSchema = z.object({
  host: z.enum(['127.0.0.1', '::1']),
  port: z.number().int().min(1).max(65_535),
});
export type SandboxForward = z.infer<typeof sandboxForwardSchema>;

/**
 * What an agent's sandbox lets it do, as planned by the daemon when the agent was created
 * (docs/sandbox.md): everything else of the file system is read-only, the network is only what
 * the proxy lets through, and the daemon only the agent's own hook route.
 */
export const sandboxPolicySchema = z.object({
  write: z
    .array(policyPath)
    .describe('Folders and files the agent may write (its worktree, its CLI’s state)'),
  hide: z
    .array(policyPath)
    .describe(
      'Folders shown empty and files shown blank (~/.ssh, the state folder, other CLIs’ credentials…)',
    ),
  read: z
    .array(policyPath)
    .describe('Paths under a hidden folder shown again, read-only (its own setup files, its repository)'),
  readOnly: z
    .array(policyPath)
    .describe('Paths inside a writable folder kept read-only (the worktree’s .git pointer)'),
  hosts: z.array(sandboxHostSchema).describe('Hosts the proxy lets the agent reach'),
  forwards: z
    .array(sandboxForwardSchema)
    .describe('Loopback endpoints reachable at the same address inside (from the loopback hosts)'),
});
export type SandboxPolicy = z.infer<typeof sandboxPolicySchema>;

/** The daemon as the sandbox shows it to the agent: the agent's own hook route, nothing else. */
export const sandboxDaemonSchema = z.object({
  socket: policyPath.describe("The daemon's unix socket: a filter is put at this path inside"),
  port: z
    .number()
    .int()
    .min(1)
    .max(65_535)
    .nullable()
    .describe("The daemon's TCP port on 127.0.0.1 (HTTP hooks), or null"),
  hookPath: z.string().startsWith('/api/v1/hooks/').describe('The one route the filter lets through'),
});
export type SandboxDaemon = z.infer<typeof sandboxDaemonSchema>;

/** The spawn's sandbox: the policy and the daemon's endpoints at this spawn. */
export const sandboxSpawnSchema = sandboxPolicySchema.extend({ daemon: sandboxDaemonSchema });
export type SandboxSpawn = z.infer<typeof sandboxSpawnSchema>;

/** What a sandbox refused, as the host saw it (its proxy, its daemon filter). */
export const sandboxDenialSchema = z.object({
  kind: z
    .enum(['host', 'daemon'])
    .describe('host: a connection the proxy refused; daemon: a request to the daemon beyond the hook route'),
  target: z.string().max(500).describe('host:port, or the method and path asked of the daemon'),
  count: z.number().int().min(1).describe('How many times since the last report of the same target'),
});
export type SandboxDenial = z.infer<typeof sandboxDenialSchema>;
