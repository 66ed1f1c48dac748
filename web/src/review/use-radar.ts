import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RADAR_EVENTS } from '../../../src/client/live-sources.js';
import { client } from '../api.js';
import { useEventHub, useEvents } from '../event-hub.js';
import { warningsOf, type ConflictReport, type RadarWarningInfo } from './radar-warnings.js';

export type { ConflictReport };

export interface Radar {
  report: ConflictReport | null;
  error: Error | null;
  /** True while the radar runs again at the user's request (git merge-tree over every pair). */
  running: boolean;
  /** Runs the radar now instead of reading its last report. */
  rerun: () => void;
}

/**
 * The conflict radar's report, kept live: its last report (`conflicts?cached=true`, no git run)
 * after the event hub is ready, again on `conflict.*` events, removed agents and reconnects.
 */
export function useRadar(): Radar {
  const hub = useEventHub();
  const [report, setReport] = useState<ConflictReport | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [running, setRunning] = useState(false);
  const latest = useRef(0);

  const load = useCallback((cached: boolean): Promise<void> => {
    const ticket = ++latest.current;
    return client.call('conflicts', { query: { cached: cached ? 'true' : 'false' } }).then(
      (r) => {
        if (ticket !== latest.current) return;
        setReport(r);
        setError(null);
      },
      (err: unknown) => {
        if (ticket === latest.current) setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }, []);

  useEffect(() => {
    let stopped = false;
    void hub.ready.then(() => {
      if (!stopped) void load(true);
    });
    return () => {
      stopped = true;
    };
  }, [hub, load]);
  useEvents(
    (batch) => {
      if (batch.some((e) => RADAR_EVENTS.has(e.type))) void load(true);
    },
    () => void load(true),
  );
  const rerun = useCallback(() => {
    setRunning(true);
    void load(false).finally(() => setRunning(false));
  }, [load]);
  return { report, error, running, rerun };
}

/**
 * The fleet's conflict warnings: agent id → the branches it would conflict with and the files.
 * Loads the radar's last report once the event hub is ready and follows `conflict.*` events and
 * reconnects (it never runs git itself).
 */
export function useRadarWarnings(): Map<string, RadarWarningInfo> {
  const { report } = useRadar();
  return useMemo(() => warningsOf(report), [report]);
}
