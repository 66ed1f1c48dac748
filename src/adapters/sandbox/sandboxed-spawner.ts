import { realpathSync, statSync } from 'node:fs';
import type { PtyProcess, PtySpawner } from '../../core/ports/host.js';
import type { SandboxDenial } from '../../protocol/sandbox.js';
import { bwrapCommand, type ResolvedPath } from './bwrap-args.js';
import type { SandboxProbe } from './sandbox-probe.js';
import { startSandboxRuntime } from './sandbox-runtime.js';

/** A path as it is now, through its symbolic links (bubblewrap mounts where they lead). */
export function resolvePath(path: string): ResolvedPath {
  try {
    const real = realpathSync(path);
    const st = statSync(real);
    return { real, kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other' };
  } catch {
    return null;
  }
}

/**
 * A PtySpawner that runs an agent whose spawn carries a `sandbox` under bubblewrap
 * (bwrap-args.ts), with its proxy, daemon filter and bridges (sandbox-runtime.ts) alive as long
 * as the agent; any other spawn goes to `inner` as it is. A sandbox that cannot be set up fails
 * the spawn with why — the agent never starts without it.
 */
export function sandboxedSpawner(
  inner: PtySpawner,
  o: { tools: () => SandboxProbe; report: (denial: SandboxDenial) => void },
): PtySpawner {
  return {
    spawn(spec): PtyProcess {
      const sandbox = spec.sandbox;
      if (sandbox === undefined) return inner.spawn(spec);
      const probe = o.tools();
      if (!probe.ok) throw new Error(`the sandbox does not work here: ${probe.reason}. To fix: ${probe.fix}`);
      const runtime = startSandboxRuntime(sandbox, o.report);
      try {
        const wrapped = bwrapCommand({
          sandbox,
          cwd: spec.cwd,
          command: spec.command,
          args: spec.args,
          sockDir: runtime.sockDir,
          daemonSocket: runtime.daemonSocket,
          bridges: runtime.bridges,
          proxyPort: runtime.proxyPort,
          tools: probe.tools,
          disableUserns: probe.disableUserns,
          resolve: resolvePath,
        });
        const { sandbox: _policy, ...rest } = spec;
        const p = inner.spawn({ ...rest, command: wrapped.command, args: wrapped.args });
        p.onExit(() => runtime.close());
        return p;
      } catch (err) {
        runtime.close();
        throw err;
      }
    },
  };
}
