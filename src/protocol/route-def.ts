import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** One REST route: everything the server, the client and the OpenAPI generator need. */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Schema of a 2xx JSON answer; `null` for a raw (binary) answer. */
  response: z.ZodType | null;
  status?: number;
}
