import type { WtpConfig } from '../../../config/schema.js';
import type { DoctorCheck } from '../../../protocol/doctor.js';
import type { CliContext } from '../context.js';
import { check } from './probe.js';

/**
 * `sandbox`: whether agents can run sandboxed here (a real sandbox is made, as before a sandboxed
 * agent), and what to install when not: a failure when the config sandboxes a profile by default.
 */
export async function sandboxCheck(ctx: CliContext, config: WtpConfig): Promise<DoctorCheck> {
  if (!ctx.deps.sandboxProbe)
    return check('sandbox', { status: 'skip', summary: 'not checked by this program' });
  const p = await ctx.deps.sandboxProbe();
  if (p.ok) {
    return check('sandbox', {
      status: 'ok',
      summary: `agents can run sandboxed (\`wtp new --sandbox\`): bubblewrap ${p.version} makes user, pid and network namespaces here (${p.detail})`,
    });
  }
  const required = config.sandbox.profiles.length > 0;
  return check('sandbox', {
    status: required ? 'fail' : 'warn',
    summary: `agents cannot run sandboxed here: ${p.reason}${required ? ` — and the config sandboxes ${config.sandbox.profiles.join(', ')} agents, which will not start` : ''}`,
    fix: p.fix,
  });
}
