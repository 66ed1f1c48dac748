import type { InspectorKind } from '../config/process-inspector.js';
import type { ProcessFacts, ProcessInspector } from '../core/ports/daemon.js';
import type { SessionKiller } from '../core/ports/host.js';
import { procfsFacts, procfsInspector, procfsSessionKiller } from '../adapters/process/procfs-inspector.js';
import {
  portableFacts,
  portableInspector,
  portableSessionKiller,
} from '../adapters/process/portable-inspector.js';

export interface ProcessAdapters {
  kind: InspectorKind;
  inspector: ProcessInspector;
  killer: SessionKiller;
  facts: ProcessFacts;
}

/** The process adapters of one kind: Linux /proc, or `ps` (Linux and macOS). */
export function processAdapters(kind: InspectorKind): ProcessAdapters {
  return kind === 'procfs'
    ? { kind, inspector: procfsInspector, killer: procfsSessionKiller, facts: procfsFacts }
    : { kind, inspector: portableInspector, killer: portableSessionKiller, facts: portableFacts };
}
