import { existsSync, readFileSync } from 'node:fs';
import { eventually, type TestHome } from './harness.js';

/** What the screen path's policy answerer logs once it decided on a dialog (PolicyAnswerer). */
export const SCREEN_DECIDED =
  /no approval rule decides this dialog; left for the user|approval rule matched but the answer was refused|dialog answered by an approval rule/;

/**
 * Waits until the daemon's screen-path policy answerer decided on the agent's dialog, and returns
 * that log line: an absence (nothing approved) is then checked after the rules had their say, not
 * before.
 */
export async function screenPolicyDecided(home: TestHome, name: string, timeoutMs: number): Promise<string> {
  const id = (await home.agent(name)).id;
  const file = home.path('logs', 'daemon.log');
  return eventually(
    `the approval rules to decide on ${name}'s dialog`,
    () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .find((l) => l.includes(`"agentId":"${id}"`) && SCREEN_DECIDED.test(l))
        : undefined,
    timeoutMs,
  );
}
