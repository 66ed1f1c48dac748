// PLACEHOLDER until the preview helper's implementation is merged (same contract).
import type { WtpClient } from '../../../client/wtp-client.js';

export interface PreviewOptions {
  scrollbackBytes: number;
  onChange: () => void;
}
export type PreviewStatus = 'connecting' | 'live' | 'exited' | 'closed' | 'error';

export class PreviewTerminal {
  constructor(_client: Pick<WtpClient, 'socketUrl'>, _agentRef: string, _opts: PreviewOptions) {}
  start(): void {}
  close(): void {}
  get status(): PreviewStatus {
    return 'connecting';
  }
  get error(): string | null {
    return null;
  }
  get size(): { cols: number; rows: number } {
    return { cols: 0, rows: 0 };
  }
  lines(_width: number, height: number, _opts: { color: boolean; scroll: number }): string[] {
    return Array.from({ length: height }, () => '');
  }
  maxScroll(_height: number): number {
    return 0;
  }
}
