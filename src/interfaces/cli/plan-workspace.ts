import { parseDocument } from 'yaml';

/**
 * Whether a plan file names its workspace (`workspace:`). A file that is not valid YAML counts as
 * naming one: the daemon reports what is wrong with it. Loaded only by `wtp task import`.
 */
export function planNamesWorkspace(yaml: string): boolean {
  const doc = parseDocument(yaml);
  return doc.errors.length > 0 || doc.get('workspace') !== undefined;
}
