import { existsSync } from 'node:fs';

export const INSPECTOR_KINDS = ['procfs', 'portable'] as const;
export type InspectorKind = (typeof INSPECTOR_KINDS)[number];

/**
 * Which process inspector to use, and why: WTP_PROCESS_INSPECTOR (`forced`), else `processInspector` in
 * the config, else procfs where /proc is there.
 */
export function chooseInspector(
  forced: string | undefined,
  configured: 'auto' | InspectorKind = 'auto',
): { kind: InspectorKind; why: string } {
  if (forced === undefined && configured !== 'auto')
    return { kind: configured, why: 'set by processInspector in the config' };
  if (forced !== undefined) {
    if (!(INSPECTOR_KINDS as readonly string[]).includes(forced)) {
      throw Object.assign(
        new Error(
          `WTP_PROCESS_INSPECTOR=${forced} is not an inspector: use procfs (Linux /proc) or portable (ps), or unset it for the automatic choice.`,
        ),
        {
          code: 'INVALID_INPUT',
          details: { variable: 'WTP_PROCESS_INSPECTOR', value: forced, known: INSPECTOR_KINDS },
        },
      );
    }
    return { kind: forced as InspectorKind, why: 'forced by WTP_PROCESS_INSPECTOR' };
  }
  return existsSync('/proc/self/stat')
    ? { kind: 'procfs', why: 'auto: /proc is readable' }
    : { kind: 'portable', why: 'auto: no /proc (ps instead)' };
}
