import { z } from 'zod';
import { ERROR_CODES, type ErrorBody, type Issue } from './error-catalog.js';

export * from './error-catalog.js';

export const errorCodeSchema = z.enum(ERROR_CODES);

/** One validation problem: where (a dotted path) and what. */
export const issueSchema: z.ZodType<Issue> = z.object({
  path: z.string().describe('Dotted path of the offending value, e.g. `body.restart` or `--name`'),
  message: z.string(),
  code: z.string().optional().describe('The kind of problem (zod issue code), e.g. `too_small`'),
  minimum: z.number().optional().describe('too_small: the bound'),
  maximum: z.number().optional().describe('too_big: the bound'),
});

/** The body of every error response and of `--json` errors. */
export const errorBodySchema: z.ZodType<ErrorBody> = z
  .object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('An error with a stable code, a human message and typed details');
