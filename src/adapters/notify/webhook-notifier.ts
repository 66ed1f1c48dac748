import type { AgentNotification, NotificationChannel, Urgency } from '../../core/reports/notifier.js';

export interface WebhookNotifierOptions {
  /** ntfy topic URL (https://ntfy.sh/<topic>) or any endpoint that takes the same POST. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`; never logged. */
  token?: string | undefined;
  /** Opened when the notification is clicked (ntfy `Click`), e.g. the dashboard. */
  click?: string | undefined;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** ntfy priorities: 2 low, 3 default, 5 urgent. */
const PRIORITY: Record<Urgency, string> = { low: '2', normal: '3', critical: '5' };

/** ntfy tags (emoji short codes) per state. */
const TAGS: Readonly<Record<string, string>> = {
  needs_permission: 'warning',
  needs_input: 'question',
  idle: 'white_check_mark',
  crashed: 'rotating_light',
};

/** Header values are Latin-1 only: anything else goes as RFC 2047 UTF-8, which ntfy decodes. */
function headerValue(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}

/** Posts notifications to an ntfy-compatible webhook: body = message, Title/Priority/Tags headers. */
export class WebhookNotifier implements NotificationChannel {
  readonly name = 'webhook' as const;
  private readonly host: string;

  constructor(private readonly o: WebhookNotifierOptions) {
    // Errors name only the host: the URL itself may carry credentials (user:pass@, ?auth=).
    this.host = new URL(o.url).host;
  }

  async send(n: AgentNotification): Promise<void> {
    const timeoutMs = this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      Title: headerValue(n.title),
      Priority: PRIORITY[n.urgency],
      Tags: TAGS[n.state] ?? 'information_source',
    };
    if (this.o.token) headers.Authorization = `Bearer ${this.o.token}`;
    if (this.o.click) headers.Click = headerValue(this.o.click);
    let res: Response;
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers,
        body: n.message,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual', // a redirect is reported, not followed with the token
      });
    } catch (err) {
      const e = err as Error & { cause?: unknown };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new Error(`webhook ${this.host} timed out after ${timeoutMs} ms`);
      }
      const cause = e.cause instanceof Error ? e.cause.message : e.message;
      throw new Error(`webhook ${this.host} failed: ${cause}`);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status < 200 || res.status > 299) {
      throw new Error(`webhook ${this.host} answered HTTP ${res.status}`);
    }
  }
}
