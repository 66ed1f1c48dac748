import type { AgentUseCases } from '../core/use-cases/use-cases.js';
import { detectScreen, evidenceOf } from '../core/state/detectors/screen-detector.js';
import type { ScreenRecord } from '../protocol/profiles.js';
import { DETECTORS, PROFILES } from '../vendors/registry.js';

/**
 * `GET /agents/:agent/screen-record` (`wtp record-screen`): the screen as the host renders it — the
 * text its screen detector reads — and that detector's verdict on exactly this text, with the rule
 * set chosen by the agent's CLI version as the host chooses it, and the permission mode its mode line
 * names. Reads only.
 */
export async function screenRecord(
  agents: Pick<AgentUseCases, 'get' | 'screen'>,
  ref: string,
): Promise<ScreenRecord> {
  const agent = agents.get(ref);
  const screen = await agents.screen(agent.id);
  const spec = PROFILES.get(agent.profile);
  const detector = spec.detector;
  const v =
    detector === null
      ? null
      : detectScreen(DETECTORS, detector, agent.version, { lines: screen.lines, cursorY: screen.cursor.y });
  return {
    agent,
    detector,
    cliVersion: agent.version,
    screen,
    verdict:
      v === null
        ? { state: 'none', reason: null, about: null, rule: null, evidence: null }
        : {
            state: v.state,
            reason: v.reason ?? null,
            about: v.about ?? null,
            rule: v.rule,
            evidence: evidenceOf(v),
          },
    mode: spec.permissions?.fromScreen?.(screen.lines) ?? null,
  };
}
