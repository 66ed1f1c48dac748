/** Counters the HTTP layer keeps itself: requests by route and status, open WebSockets (for /metrics). */
export class HttpCounters {
  readonly requests = new Map<string, number>();
  wsClients = 0;

  countRequest(route: string, status: number): void {
    const key = `${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }
}
