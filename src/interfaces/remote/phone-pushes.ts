import { createHash } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import type { Clock, Logger } from '../../core/ports/daemon.js';
import type { AgentNotification } from '../../core/reports/notifier.js';
import type { PushSettings } from '../../protocol/push.js';
import type { DevicePush, DeviceStore } from './device-store.js';
import { pushKindOf, pushMessage, wants } from './push-message.js';
import type { PushPort, RemotePorts } from './remote-ports.js';

/** A device's request: a new subscription, or (without one) new preferences for its own. */
export type PushRequest = {
  subscription?: DevicePush['subscription'] | undefined;
  prefs: DevicePush['prefs'];
};

/** Web Push to paired devices: their subscriptions and preferences, and the fan-out of notifications. */
export class PhonePushes {
  private pushing: Promise<PushPort> | undefined;

  constructor(
    private readonly o: {
      ports: Pick<RemotePorts, 'push' | 'dialogOf'>;
      log: Logger;
      clock: Pick<Clock, 'now'>;
      /** The paired devices; throws when their file cannot be trusted. */
      devices: () => DeviceStore;
      /** The listener's https origin while it serves, else null. */
      origin: () => string | null;
    },
  ) {}

  /** The listener moved: the next push names its new address (the VAPID subject). */
  reset(): void {
    this.pushing = undefined;
  }

  /** A device's push settings, with the key its browser subscribes with. */
  async settings(device: string): Promise<PushSettings> {
    const push = await this.port();
    const mine = this.o.devices().push(device);
    return { publicKey: push.publicKey, subscribed: mine !== null, prefs: mine?.prefs ?? null };
  }

  /** Pushes to this device (a new subscription, or new preferences for its own), or no more. */
  async subscribe(device: string, req: PushRequest | null): Promise<PushSettings> {
    const devices = this.o.devices();
    const subscription = req?.subscription ?? devices.push(device)?.subscription;
    if (req && !subscription)
      throw new AppError(
        'INVALID_INPUT',
        'This device has no push subscription yet. Tap “Notify this phone” first.',
        { issues: [{ path: 'subscription', message: 'required: this device has none' }] },
      );
    const why = req?.subscription === undefined ? null : (await this.port()).refuses(req.subscription);
    if (why !== null)
      throw new AppError(
        'INVALID_INPUT',
        `This push subscription is refused: ${why}. Subscribe from the browser itself.`,
        { issues: [{ path: 'subscription', message: why }] },
      );
    devices.setPush(device, req && subscription ? { subscription, prefs: req.prefs } : null);
    return this.settings(device);
  }

  /**
   * Pushes a notification to every device that wants it (its kinds, its workspaces, outside its
   * quiet hours). A subscription the push service calls gone is forgotten. Rejects when every
   * device it was for failed, so the notifier counts the failure.
   */
  async notify(n: AgentNotification): Promise<void> {
    const kind = pushKindOf(n);
    if (kind === null || this.o.origin() === null) return;
    let devices: DeviceStore;
    try {
      devices = this.o.devices();
    } catch {
      return; // a devices file that cannot be trusted: no listener, no pushes (status says why)
    }
    const now = this.o.clock.now();
    const targets = devices.pushTargets().filter((t) => wants(t.push.prefs, kind, n, now));
    if (targets.length === 0) return;
    const push = await this.port();
    const dialog = kind === 'budget' ? null : this.o.ports.dialogOf(n.agentId);
    const urgency = kind === 'done' || kind === 'budget' ? 'normal' : 'high';
    const topic = createHash('sha256').update(`${n.agentId}:${kind}`).digest('base64url').slice(0, 32);
    const results = await Promise.all(
      targets.map(async (t) => {
        const r = await push.send(t.push.subscription, pushMessage(n, kind, t.push.prefs, dialog), {
          ttlSeconds: kind === 'done' ? 3_600 : 600,
          urgency,
          topic,
        });
        if (!r.ok && r.gone) devices.setPush(t.name, null);
        if (!r.ok) this.o.log.warn({ device: t.name, reason: r.reason }, 'push not delivered');
        return r.ok;
      }),
    );
    if (!results.some(Boolean)) throw new Error(`no push delivered (${targets.length} device(s))`);
  }

  private port(): Promise<PushPort> {
    // The VAPID subject: where a push service may reach whoever sends (the listener's address).
    const made = (this.pushing ??= this.o.ports.push(this.o.origin() ?? 'mailto:wtp@localhost.invalid'));
    made.catch(() => {
      if (this.pushing === made) this.pushing = undefined; // tried again next time
    });
    return made;
  }
}
