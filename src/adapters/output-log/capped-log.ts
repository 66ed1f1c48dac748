import * as nodeFs from 'node:fs';

/** The fs calls the log makes (tests inject failing ones). */
export type CappedLogFs = Pick<typeof nodeFs, 'appendFileSync' | 'renameSync' | 'statSync'>;

/**
 * A text log capped like the output logs: two files, `<file>` and `<file>.1`, each at most half of
 * `maxBytes`; when the current one is full it becomes `.1` (the older `.1` goes) and a new one
 * starts. A host's diagnostics (`host.log`) go here, so an agent whose output upsets its terminal
 * emulator cannot fill the disk. Writes never throw: the agent matters more.
 */
export class CappedLog {
  private size: number;
  private readonly half: number;
  private readonly fs: CappedLogFs;

  constructor(
    readonly file: string,
    maxBytes: number,
    fs: Partial<CappedLogFs> = {},
  ) {
    this.fs = { ...nodeFs, ...fs };
    this.half = Math.max(4096, Math.floor(maxBytes / 2));
    try {
      this.size = this.fs.statSync(file).size;
    } catch {
      this.size = 0;
    }
  }

  /** Appends `text` (a line, with its newline), first rotating when it would not fit. */
  append(text: string): void {
    const bytes = Buffer.byteLength(text);
    // One line longer than a file is cut: no line may take the cap with it.
    const line =
      bytes > this.half
        ? `${Buffer.from(text)
            .subarray(0, this.half - 8)
            .toString('utf8')}…\n`
        : text;
    try {
      if (this.size > 0 && this.size + Buffer.byteLength(line) > this.half) this.rotate();
      this.fs.appendFileSync(this.file, line, { mode: 0o600 });
      this.size += Buffer.byteLength(line);
    } catch {
      // a full disk or a removed folder: the line is lost, the agent runs on
    }
  }

  private rotate(): void {
    this.fs.renameSync(this.file, `${this.file}.1`);
    this.size = 0;
  }
}
