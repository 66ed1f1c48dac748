import { z } from 'zod';

/** What a device may be pushed about: a permission, a question, a finished turn, a crash, a budget. */
export const PUSH_KINDS = ['permission', 'question', 'done', 'error', 'budget'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

/** `PushSubscription.toJSON()` as the browser gives it. */
export const browserSubscriptionSchema = z.object({
  endpoint: z.string().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().max(200), auth: z.string().max(100) }),
});

export const pushPrefsSchema = z.strictObject({
  kinds: z
    .array(z.enum(PUSH_KINDS))
    .default([...PUSH_KINDS])
    .describe('What to be pushed about'),
  workspaces: z
    .array(z.string().min(1).max(100))
    .max(50)
    .default([])
    .describe('Only these workspaces (names); none: all'),
  quietHours: z
    .strictObject({
      from: hhmm,
      to: hhmm,
      utcOffsetMinutes: z.number().int().min(-840).max(840).describe('The device’s offset from UTC'),
    })
    .nullable()
    .default(null)
    .describe('No pushes from..to, the device’s local time (the app shows them when opened)'),
  lockScreenDetail: z
    .boolean()
    .default(false)
    .describe('Show what the agent asks on the lock screen; off: the agent and the kind only'),
});
export type PushPrefs = z.infer<typeof pushPrefsSchema>;

export const pushSubscribeRequestSchema = z.strictObject({
  subscription: browserSubscriptionSchema
    .optional()
    .describe('None: keep this device’s subscription and change only its preferences'),
  prefs: pushPrefsSchema.prefault({}),
});

export const pushSettingsSchema = z.object({
  publicKey: z.string().describe('The daemon’s VAPID key (applicationServerKey)'),
  subscribed: z.boolean(),
  prefs: pushPrefsSchema.nullable(),
});

export type PushSettings = z.infer<typeof pushSettingsSchema>;

/** What a push carries to the service worker (encrypted end to end; the lock screen shows `title`). */
export const pushMessageSchema = z.object({
  v: z.literal(1),
  kind: z.enum(PUSH_KINDS),
  agentId: z.string().nullable(),
  title: z.string().describe('The agent and the kind: shown on the lock screen'),
  body: z.string().describe('What it asks, only when lockScreenDetail is on; else empty'),
  expect: z
    .object({ state: z.string(), since: z.string(), about: z.string().optional() })
    .nullable()
    .describe('What an action answers (the dialog shown): the answer is refused if it changed'),
  actions: z.array(z.enum(['approve', 'deny'])),
  url: z.string(),
});
export type PushMessage = z.infer<typeof pushMessageSchema>;
