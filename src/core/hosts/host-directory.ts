import type { HostLink } from '../ports/daemon.js';

/** Which host link serves which agent right now. */
export class HostDirectory {
  private readonly links = new Map<string, HostLink>();

  get(agentId: string): HostLink | undefined {
    return this.links.get(agentId);
  }

  has(agentId: string): boolean {
    return this.links.has(agentId);
  }

  /** Binds a link; an older link of the same agent is closed (the newest connection wins). */
  bind(agentId: string, link: HostLink): void {
    const previous = this.links.get(agentId);
    this.links.set(agentId, link);
    if (previous && previous !== link) previous.close();
  }

  /** Unbinds `link` if it is still the agent's current link; true if it was. */
  unbind(agentId: string, link: HostLink): boolean {
    if (this.links.get(agentId) !== link) return false;
    this.links.delete(agentId);
    return true;
  }

  all(): [string, HostLink][] {
    return [...this.links.entries()];
  }

  get size(): number {
    return this.links.size;
  }
}
