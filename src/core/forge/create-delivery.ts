import type { AgentService } from '../agents/agent-service.js';
import type { AgentGit } from '../git/agent-worktree.js';
import type { ReviewService } from '../git/review-service.js';
import type { EventBus } from '../model/event-bus.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, Logger } from '../ports/daemon.js';
import type { ForgeCli } from '../ports/forge.js';
import type { GitDelivery } from '../ports/git.js';
import type { TaskService } from '../tasks/task-service.js';
import { DeliveryService, type DeliverySettings } from './delivery-service.js';
import { PrWatcher, type WatcherSettings } from './pr-watcher.js';
import { ProgressHub } from './progress-hub.js';

/** Config `forge`, as the core takes it. */
export type ForgeSettings = DeliverySettings & WatcherSettings;

/** Config `forge`'s defaults. */
export const DEFAULT_FORGE_SETTINGS: ForgeSettings = {
  remote: 'origin',
  cli: 'auto',
  pushTimeoutMs: 600_000,
  bodyTemplate: undefined,
  pollIntervalMs: 120_000,
  maxPollIntervalMs: 1_800_000,
  fixChecks: 0,
};

/**
 * Delivery's part of the core: the push and pull request service and the poller of
 * open pull requests, both null without git delivery or a forge CLI runner; the progress hub always.
 */
export function createDelivery(d: {
  registry: AgentRegistry;
  service: AgentService;
  review: ReviewService | null;
  git: (AgentGit & { delivery: GitDelivery | undefined }) | undefined;
  forge: ForgeCli | undefined;
  tasks: TaskService;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  settings: ForgeSettings;
}): { delivery: DeliveryService | null; prs: PrWatcher | null; progress: ProgressHub } {
  const progress = new ProgressHub();
  const { git, review, forge } = d;
  if (!git?.delivery || !review || !forge) return { delivery: null, prs: null, progress };
  let delivery: DeliveryService | null = null;
  const prs = new PrWatcher({
    registry: d.registry,
    forge,
    tasks: d.tasks,
    bus: d.bus,
    clock: d.clock,
    log: d.log,
    actions: {
      sendInput: (ref, text, enter, source, force) => d.service.sendInput(ref, text, enter, source, force),
      pushFix: (agentId, remote) =>
        delivery?.push(agentId, { remote, forceWithLease: false }, 'policy') ?? Promise.resolve(),
    },
    settings: d.settings,
  });
  delivery = new DeliveryService({
    registry: d.registry,
    review,
    git: { delivery: git.delivery, review: git.review, worktrees: git.worktrees },
    forge,
    tasks: d.tasks,
    progress,
    clock: d.clock,
    settings: d.settings,
    onPullRequest: (id) => prs.schedule(id),
  });
  return { delivery, prs, progress };
}
