import type { WtpConfig } from '../../../config/schema.js';
import type { DoctorCheck } from '../../../protocol/doctor.js';
import type { CliContext } from '../context.js';
import { check } from './probe.js';

/**
 * `sandbox`: whether agents can run sandboxed here (`wtp new --sandbox`, docs/sandbox.md) — a
 * real sandbox is made and left, as the daemon does before a sandboxed agent — and what to
 * install or enable when not. A failure is a warning unless the config sandboxes a profile by
 * default (`sandbox.profiles`): then those agents cannot start, and it fails.
 */
export async function sandboxCheck(ctx: CliContext, config: WtpConfig): Promise<DoctorCheck> {
  if (!ctx.deps.sandboxProbe)
    return check('sandbox', { status: 'skip', summary: 'not checked by this program', fix: null });
  const p = await ctx.deps.sandboxProbe();
  if (p.ok) {
    return check('sandbox', {
      status: 'ok',
      summary: `agents can run sandboxed (\`wtp new --sandbox\`): bubblewrap ${p.version} makes user, pid and network namespaces here (${p.detail})`,
      fix: null,
    });
  }
  const required = config.sandbox.profiles.length > 0;
  return check('sandbox', {
    status: required ? 'fail' : 'warn',
    summary: `agents cannot run sandboxed here: ${p.reason}${required ? ` — and the config sandboxes ${config.sandbox.profiles.join(', ')} agents, which will not start` : ''}`,
    fix: p.fix,
  });
}
