import type { AgentView } from '../../../protocol/agent.js';
import type { DoctorCheck } from '../../../protocol/doctor.js';
import { RUNNING } from './permission-checks.js';
import { check } from './probe.js';

/**
 * `prices`: a warning naming each running agent whose model has no price (its cost, and every
 * budget over it, is unknown), with the config to add; null while no running agent has usage.
 */
export function priceCheck(agents: readonly AgentView[]): DoctorCheck | null {
  const metered = agents.filter((a) => RUNNING.has(a.state) && a.usage != null);
  if (metered.length === 0) return null;
  const unpriced = metered.flatMap((a) => (a.usage?.unpricedModels ?? []).map((m) => `${m} (${a.name})`));
  if (unpriced.length === 0)
    return check('prices', { status: 'ok', summary: 'every running agent’s model has a price' });
  const models = [...new Set(metered.flatMap((a) => a.usage?.unpricedModels ?? []))];
  return check('prices', {
    status: 'warn',
    summary: `no price for ${unpriced.join(', ')}: their cost is unknown, and no budget over them can hold`,
    fix: `add the price in US dollars per million tokens to the config: cost.prices: { ${models.map((m) => `${m}: { input: …, output: … }`).join(', ')} } (docs/cost.md)`,
  });
}
