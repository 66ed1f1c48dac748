import { useEffect, useState } from 'react';
import type { FleetMachine, FleetRowHealth } from '../../../src/protocol/fleet.js';
import { client } from '../api.js';
import { useEventHub } from '../event-hub.js';

/** The daemon's fleet as the fleet view shows it: its machines by name, and the rows it skipped. */
export interface FleetShown {
  machines: Map<string, FleetMachine>;
  /** Invalid rows of the fleet database the daemon skipped; null without a fleet. */
  rows: FleetRowHealth | null;
}

/**
 * The machines of the daemon's fleet, by name: empty without a fleet. Read again when
 * the daemon says they changed (one joined, left, or became reachable or not) and after a reconnect.
 */
export function useMachines(): FleetShown {
  const hub = useEventHub();
  const [machines, setMachines] = useState<FleetShown>({ machines: new Map(), rows: null });
  useEffect(() => {
    let live = true;
    const load = (): void => {
      client
        .call('fleetStatus')
        .then(({ fleet }) => {
          if (live) {
            setMachines({
              machines: new Map((fleet?.machines ?? []).map((m) => [m.name, m])),
              rows: fleet?.rows ?? null,
            });
          }
        })
        .catch(() => undefined); // no fleet route (an older daemon): nothing to show
    };
    load();
    const offFleet = hub.subscribeFleet((c) => {
      if (c.kind === 'machines' || c.kind === 'reloaded') load();
    });
    const offReconnect = hub.onReconnect(load);
    return () => {
      live = false;
      offFleet();
      offReconnect();
    };
  }, [hub]);
  return machines;
}
