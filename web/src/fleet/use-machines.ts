import { useEffect, useState } from 'react';
import type { FleetMachine } from '../../../src/protocol/fleet.js';
import { client } from '../api.js';
import { useEventHub } from '../event-hub.js';

/**
 * The machines of the daemon's fleet (issue 21), by name: empty without a fleet. Read again when
 * the daemon says they changed (one joined, left, or became reachable or not) and after a reconnect.
 */
export function useMachines(): Map<string, FleetMachine> {
  const hub = useEventHub();
  const [machines, setMachines] = useState<Map<string, FleetMachine>>(new Map());
  useEffect(() => {
    let live = true;
    const load = (): void => {
      client
        .call('fleetStatus')
        .then(({ fleet }) => {
          if (live) setMachines(new Map((fleet?.machines ?? []).map((m) => [m.name, m])));
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
