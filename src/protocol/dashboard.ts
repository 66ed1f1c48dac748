import { z } from 'zod';
import { isoTimeSchema } from './common.js';

/** Prefix of the HttpOnly session cookie the dashboard's one-time link sets. */
export const DASHBOARD_SESSION_COOKIE = 'wtp_session';

/**
 * The session cookie of the daemon on `port`: browsers send a 127.0.0.1 cookie to every port, so
 * the name (and the signed value) carry the port, and daemons on two ports never share a session.
 */
export const sessionCookieName = (port: number): string => `${DASHBOARD_SESSION_COOKIE}_${port}`;

/** `POST /api/v1/dashboard/link`: a one-time sign-in URL for the web dashboard. */
export const dashboardLinkSchema = z.object({
  url: z
    .string()
    .describe(
      'http://127.0.0.1:<port>/dashboard/login?code=…: works once, until expiresAt; sets the session',
    ),
  expiresAt: isoTimeSchema.describe('The link stops working at this time (60 s after it was made)'),
});
export type DashboardLink = z.infer<typeof dashboardLinkSchema>;
