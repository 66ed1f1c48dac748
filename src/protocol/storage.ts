import { z } from 'zod';
import { isoTimeSchema } from './common.js';

/**
 * What the daemon writes to disk: the database (agents, workspaces, tasks, events), its own log,
 * the agents' output logs (written by their hosts) and small state files (daemon.json, token,
 * setup approvals, hook settings).
 */
export const STORAGE_COMPONENTS = ['database', 'daemonLog', 'outputLog', 'stateFile'] as const;
export const storageComponentSchema = z.enum(STORAGE_COMPONENTS);
export type StorageComponent = z.infer<typeof storageComponentSchema>;

/**
 * One write path that is failing right now: a check in the shape `wtp doctor` reports (what,
 * where, why, how to fix it).
 */
export const storageProblemSchema = z.object({
  component: storageComponentSchema,
  agentId: z.string().nullable().describe('The agent whose output log fails (outputLog), else null'),
  path: z.string().describe('The file (or folder) that cannot be written'),
  code: z.string().describe('ENOSPC, EDQUOT, EIO, EROFS, SQLITE_FULL, SQLITE_IOERR_WRITE, …'),
  message: z.string().describe('What fails and what it means for the user'),
  fix: z.string().describe('What to do about it'),
  since: isoTimeSchema.describe('When the first write failed'),
  failedWrites: z.number().int().describe('Writes that failed since then'),
  droppedBytes: z
    .number()
    .int()
    .describe('Bytes not written since then (log lines, output); 0 for the database'),
});
export type StorageProblem = z.infer<typeof storageProblemSchema>;

export const storageStatusSchema = z
  .object({
    ok: z.boolean().describe('false while any write path fails'),
    problems: z.array(storageProblemSchema),
    counters: z
      .object({
        failedWrites: z
          .record(storageComponentSchema, z.number().int())
          .describe('Writes that failed, per component'),
        daemonLogDroppedBytes: z.number().int().describe('Daemon log bytes not written'),
        outputLogDroppedBytes: z
          .number()
          .int()
          .describe('Agent output bytes their hosts could not write to the output logs (gaps)'),
        unsavedChanges: z
          .number()
          .int()
          .describe('Agent and workspace records changed in memory but not yet in the database'),
        unsavedEvents: z.number().int().describe('Events published but not yet in the database'),
        lostEvents: z
          .number()
          .int()
          .describe('Events that could not be kept until the database accepted writes again'),
      })
      .describe('Since the daemon started'),
  })
  .describe('Whether the daemon can write its state, logs and output; problems say what fails and why');
export type StorageStatus = z.infer<typeof storageStatusSchema>;
