import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reporter, SerializedError, TestModule, Vitest } from 'vitest/node';

/** One test file of a run as the run report holds it. */
export interface RunFile {
  /** Relative to the repository. */
  file: string;
  /** When it started running, from the run's start (ms). */
  startMs: number;
  /** Its wall time, hooks and import included: vitest's JSON report counts only its tests'. */
  ms: number;
  status: string;
  /** What failed outside its tests (a hook, the import, the leak check). */
  errors: string[];
  tests: { name: string; status: string; ms: number; errors: string[] }[];
}

export interface RunReport {
  startTime: number;
  wallMs: number;
  files: RunFile[];
  unhandledErrors: string[];
}

const text = (e: SerializedError): string => e.stack ?? e.message;

/**
 * Writes the run report (WTP_TEST_JSON, vitest.config.ts): each test file's wall time, its tests and
 * their errors. .ci/times.mjs, the test ledger and the flake hunt read it.
 */
export default class RunReporter implements Reporter {
  private readonly started = new Map<string, number>();
  private readonly ended = new Map<string, number>();
  private t0 = Date.now();

  constructor(private readonly opts: { outputFile: string }) {}

  onInit(_vitest: Vitest): void {
    this.t0 = Date.now();
  }

  onTestModuleStart(m: TestModule): void {
    this.started.set(m.moduleId, Date.now());
  }

  onTestModuleEnd(m: TestModule): void {
    this.ended.set(m.moduleId, Date.now());
  }

  onTestRunEnd(modules: readonly TestModule[], unhandled: readonly SerializedError[]): void {
    const files: RunFile[] = modules.map((m) => {
      // Its worker prepared it, imported its setup and collected it before it started.
      const d = m.diagnostic();
      const before = d.prepareDuration + d.setupDuration + d.collectDuration;
      const end = this.ended.get(m.moduleId) ?? Date.now();
      // Its start event can come late (a 138 s file once began 1 s before its end): the worker's
      // own count of its time is the floor.
      const ms = Math.max(end - ((this.started.get(m.moduleId) ?? this.t0) - before), before + d.duration);
      return {
        file: m.relativeModuleId,
        startMs: Math.max(0, Math.round(end - ms - this.t0)),
        ms: Math.round(ms),
        status: m.state(),
        errors: m.errors().map(text),
        tests: [...m.children.allTests()].map((t) => {
          const r = t.result();
          return {
            name: t.fullName,
            status: r.state,
            ms: Math.round(t.diagnostic()?.duration ?? 0),
            errors: (r.errors ?? []).map(text),
          };
        }),
      };
    });
    const report: RunReport = {
      startTime: this.t0,
      wallMs: Date.now() - this.t0,
      files,
      unhandledErrors: unhandled.map(text),
    };
    mkdirSync(dirname(this.opts.outputFile), { recursive: true });
    writeFileSync(this.opts.outputFile, `${JSON.stringify(report)}\n`);
  }
}
