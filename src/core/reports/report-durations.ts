import type { AnswerVia } from '../../protocol/answers.js';
import type { ReportDurations } from '../../protocol/report.js';

/** The time report's durations: what a row adds up (time-report.ts). */

export const BUCKET_FIELD = {
  working: 'workingMs',
  waiting: 'waitingMs',
  idle: 'idleMs',
  other: 'otherMs',
} as const;

export const zeroDurations = (): ReportDurations => ({
  workingMs: 0,
  waitingMs: 0,
  idleMs: 0,
  otherMs: 0,
  waits: 0,
  longestWaitMs: 0,
});

/** Adds `b` into `a` (waits add up, the longest wait is the longer). */
export function addDurations<T extends ReportDurations>(a: T, b: ReportDurations): T {
  a.workingMs += b.workingMs;
  a.waitingMs += b.waitingMs;
  a.idleMs += b.idleMs;
  a.otherMs += b.otherMs;
  a.waits += b.waits;
  a.longestWaitMs = Math.max(a.longestWaitMs, b.longestWaitMs);
  for (const [via, n] of Object.entries(b.answeredBy ?? {}) as [AnswerVia, number][]) {
    a.answeredBy = { ...a.answeredBy, [via]: (a.answeredBy?.[via] ?? 0) + n };
  }
  return a;
}

export const isEmpty = (d: ReportDurations): boolean =>
  d.workingMs + d.waitingMs + d.idleMs + d.otherMs + d.waits === 0;

/** The durations of a row, without its other fields. */
export function pickDurations(d: ReportDurations): ReportDurations {
  const { workingMs, waitingMs, idleMs, otherMs, waits, longestWaitMs, answeredBy } = d;
  return {
    workingMs,
    waitingMs,
    idleMs,
    otherMs,
    waits,
    longestWaitMs,
    ...(answeredBy === undefined ? {} : { answeredBy: { ...answeredBy } }),
  };
}

/** One more wait that `via`'s answer ended. */
export function countAnswer(d: ReportDurations, via: AnswerVia): void {
  d.answeredBy = { ...d.answeredBy, [via]: (d.answeredBy?.[via] ?? 0) + 1 };
}
