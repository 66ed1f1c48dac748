import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoPaths } from './repo-paths.js';
import { disposeHome, makeHome } from './sandbox.js';
import { startSession, type Session } from './session.js';
import type { BenchScript, Logged, ScriptedApi, VendorRig } from './vendor-rigs.js';

/** A pinned real CLI running as a wtp agent of its profile, with its scripted server. */
export interface RigAgent {
  api: ScriptedApi;
  session: Session;
  id: string;
  name: string;
  version: string | null;
  /** The agent's working folder. */
  proj: string;
}

/**
 * Runs `body` with one pinned real CLI as a wtp agent on tmux: its scripted server (`script`,
 * `onAnswered` attached before the agent starts), one daemon in a temp WTP_HOME (notifications
 * off), the agent created with its first prompt (the daemon types it once the CLI is at its prompt,
 * after start-up work such as codex's or qwen's settles). Everything is stopped and removed after.
 */
export async function withRigAgent<T>(
  paths: RepoPaths,
  rig: VendorRig,
  o: {
    label: string;
    script: BenchScript;
    onAnswered: (logged: Logged) => void;
    prompt: string;
    /** More of the daemon's config.yaml (after notifications off). */
    config?: string;
    /** The `notifications:` block instead of notifications off. */
    notifications?: string;
  },
  body: (r: RigAgent) => Promise<T>,
): Promise<T> {
  const files = makeHome(`${o.label}-files`);
  let api: ScriptedApi | null = null;
  let s: Session | null = null;
  try {
    api = await rig.startApi(o.script);
    api.onAnswered(o.onAnswered);
    const proj = join(files, 'proj');
    mkdirSync(proj);
    const config = join(files, 'config.yaml');
    writeFileSync(config, `${o.notifications ?? 'notifications:\n  enabled: false\n'}${o.config ?? ''}`);
    s = await startSession(paths, o.label, {
      ...rig.env({ files, proj, url: api.url }),
      WTP_BACKEND: 'tmux',
      WTP_CONFIG: config,
    });
    const { agent } = await s.client.call('createAgent', {
      body: {
        profile: rig.profile,
        cwd: proj,
        name: rig.profile,
        wait: true,
        prompt: o.prompt,
        ...rig.create,
      },
    });
    return await body({
      api,
      session: s,
      id: agent.id,
      name: agent.name,
      version: agent.version ?? null,
      proj,
    });
  } finally {
    if (s) disposeHome(s.home, paths.binWtp);
    disposeHome(files, paths.binWtp);
    await api?.close();
  }
}
