import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/ports/daemon.js';
import { PAIR_CODE_TTL_MS } from '../../protocol/remote.js';

/** Wrong codes within WRONG_WINDOW_MS that lock pairing for LOCK_MS. */
export const WRONG_CODES_MAX = 5;
const WRONG_WINDOW_MS = 10 * 60_000;
export const LOCK_MS = 10 * 60_000;
/** Codes waiting at once: `wtp remote pair` in a loop cannot grow the daemon's memory. */
const MAX_PENDING = 8;
/** A spent or expired code is remembered this long, to say "expired" rather than "wrong". */
const REMEMBER_MS = 10 * 60_000;

const digest = (code: string): string => createHash('sha256').update(code).digest('base64url');

export type Redeemed =
  { ok: true } | { ok: false; reason: 'wrong_code' | 'expired_code' | 'locked'; lockedUntil: number | null };

/**
 * One-time pairing codes (32 random bytes, two minutes, single use, kept as their SHA-256 in
 * memory) and the lock that five wrong codes in ten minutes set: while locked, every code is
 * refused and the pending ones are dropped, so a guesser on the network gains nothing by trying.
 */
export class PairingBook {
  private readonly pending = new Map<string, number>();
  /** Spent or expired codes: digest → forget at. */
  private readonly spent = new Map<string, number>();
  private wrong: number[] = [];
  private locked = 0;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  issue(): { code: string; expiresAt: number } {
    const now = this.clock.now();
    this.prune(now);
    for (const k of this.pending.keys()) {
      if (this.pending.size < MAX_PENDING) break;
      this.pending.delete(k);
    }
    const code = randomBytes(32).toString('base64url');
    const expiresAt = now + PAIR_CODE_TTL_MS;
    this.pending.set(digest(code), expiresAt);
    return { code, expiresAt };
  }

  /** When pairing is locked until, or null. */
  lockedUntil(): number | null {
    return this.locked > this.clock.now() ? this.locked : null;
  }

  redeem(code: string): Redeemed {
    const now = this.clock.now();
    this.prune(now);
    if (this.lockedUntil() !== null) return { ok: false, reason: 'locked', lockedUntil: this.locked };
    const key = digest(code);
    const expiresAt = this.pending.get(key);
    this.pending.delete(key);
    if (expiresAt !== undefined && expiresAt > now) {
      this.spent.set(key, now + REMEMBER_MS);
      return { ok: true };
    }
    if (expiresAt !== undefined || this.spent.has(key)) {
      this.spent.set(key, now + REMEMBER_MS);
      return { ok: false, reason: 'expired_code', lockedUntil: null };
    }
    this.wrong = [...this.wrong.filter((t) => t > now - WRONG_WINDOW_MS), now];
    if (this.wrong.length >= WRONG_CODES_MAX) {
      this.locked = now + LOCK_MS;
      this.wrong = [];
      this.pending.clear();
      return { ok: false, reason: 'locked', lockedUntil: this.locked };
    }
    return { ok: false, reason: 'wrong_code', lockedUntil: null };
  }

  private prune(now: number): void {
    for (const [k, at] of this.pending)
      if (at <= now) {
        this.pending.delete(k);
        this.spent.set(k, now + REMEMBER_MS);
      }
    for (const [k, at] of this.spent) if (at <= now) this.spent.delete(k);
  }
}
