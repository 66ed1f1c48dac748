import { CLI_VERSION_PATTERN } from '../../../protocol/constants.js';
import type { AgentCliInfo, AgentClis, DoctorCheck } from '../../../protocol/doctor.js';
import { cliSupport, SCREENS_ONLY } from '../../../protocol/version-range.js';
import { nodeNeedOf, nodeSatisfies } from './node-engine.js';
import { check, runProgram } from './probe.js';

const RESTART = 'restart the daemon (`wtp down`, then `wtp up`)';

/**
 * Each agent CLI where the daemon finds it (or would, started from here), its version, and whether
 * that version is one the tests run. A CLI that is not installed is skipped (`wtp new` would say
 * how to install it); one that WTP_<NAME>_BIN names but is not there, or that fails `--version`, fails.
 */
export async function agentCliChecks(
  clis: AgentClis,
  where: 'daemon' | 'local',
  childEnv: NodeJS.ProcessEnv,
): Promise<DoctorCheck[]> {
  const path = where === 'daemon' ? "the daemon's PATH" : 'PATH';
  const all = await Promise.all(
    clis.agentClis.map(async (c) => {
      const cli = await oneCli(c, path, childEnv);
      const node =
        c.found === null || cli.status === 'fail'
          ? null
          : await nodeCheck(c, c.found, clis.path, path, childEnv);
      return node === null ? [cli] : [cli, node];
    }),
  );
  // Each missing CLI alone is a skip; none at all means no agent of any vendor can start.
  if (clis.agentClis.length === 0 || clis.agentClis.some((c) => c.found !== null || c.fromVariable))
    return all.flat();
  const first = clis.agentClis.find((c) => c.install);
  const none = check('agents', {
    status: 'warn',
    summary: `no agent CLI found on ${path}: only \`cmd\` and \`shell\` agents can start`,
    fix: `install one${first?.install ? ` (e.g. ${first.install})` : ''} on ${path}, then ${RESTART}`,
  });
  return [...all.flat(), none];
}

/**
 * `node:<profile>`: the Node.js an agent CLI from npm asks for (its package's engines.node) against
 * the node that runs it (its shebang's: `node` on the agents' PATH); none for a native program.
 */
async function nodeCheck(
  c: AgentCliInfo,
  found: string,
  agentsPath: string | null,
  onPath: string,
  childEnv: NodeJS.ProcessEnv,
): Promise<DoctorCheck | null> {
  const need = nodeNeedOf(found);
  if (need === null) return null;
  const id = `node:${c.profile}`;
  const searched = need.interpreter === 'node' && agentsPath !== null ? agentsPath : undefined;
  const run = await runProgram(need.interpreter, ['--version'], childEnv, searched);
  const version = run.kind === 'ok' ? (/v?(\d+\.\d+\.\d+)/.exec(run.text)?.[1] ?? null) : null;
  const asks = `${need.pkg} asks for Node.js ${need.range} (engines.node in ${need.file})`;
  const where = need.interpreter === 'node' ? `node on ${onPath}` : need.interpreter;
  if (version === null) {
    return check(id, {
      status: 'warn',
      summary: `${asks}; \`${where} --version\` gave no version`,
      fix: `install Node.js ${need.range} so that \`${need.interpreter}\` runs it`,
      path: found,
    });
  }
  const ok = nodeSatisfies(version, need.range);
  return check(id, {
    status: ok === false ? 'warn' : 'ok',
    summary: `${asks}; ${where} is ${version}${ok === null ? ' (range not checked)' : ok ? '' : ': outside it'}`,
    fix:
      ok === false
        ? `it may fail to start or misbehave: install Node.js ${need.range} (e.g. with nvm or your package manager) first on ${onPath}, then ${RESTART}`
        : null,
    version,
    path: found,
  });
}

async function oneCli(c: AgentCliInfo, onPath: string, childEnv: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const id = `agent:${c.profile}`;
  const install = c.install ? `install it: ${c.install}` : `install ${c.program}`;
  if (c.found === null) {
    if (c.fromVariable) {
      return check(id, {
        status: 'fail',
        summary: `${c.variable}=${c.program} is not an executable file`,
        fix: `point ${c.variable} at the ${c.profile} program (or unset it), then ${RESTART}`,
        path: c.program,
      });
    }
    return check(id, {
      status: 'skip',
      summary: `\`${c.program}\` not found on ${onPath}${c.support === 'screens-only' ? ` (${SCREENS_ONLY})` : ''}`,
      fix: `to use it, ${install} (on ${onPath}), or set ${c.variable}=/path/to/${c.program} and ${RESTART}`,
    });
  }
  const run = await runProgram(c.found, ['--version'], childEnv);
  const version = run.kind === 'ok' ? (CLI_VERSION_PATTERN.exec(run.text)?.[1] ?? null) : null;
  const via = c.fromVariable ? ` (${c.variable})` : '';
  if (version === null) {
    const why = run.kind === 'failed' ? `failed (${run.why})` : 'printed no version';
    const text = run.kind === 'missing' ? '' : run.text;
    return check(id, {
      status: 'fail',
      summary: `\`${c.found} --version\` ${why}${text ? `: ${text}` : ''}`,
      fix: `reinstall it${c.install ? ` (${c.install})` : ''}; agents of this profile cannot start (AGENT_CLI_BROKEN)`,
      path: c.found,
    });
  }
  const judged = cliSupport(c.profile, c.testedVersions, version);
  const [screensOnly, tested] = [judged.support === 'screens-only', judged.inRange === true];
  const ranges = c.testedVersions.join(', ');
  return check(id, {
    status: tested ? 'ok' : 'warn',
    summary: screensOnly
      ? `${version} at ${c.found}${via}; ${SCREENS_ONLY}: its states come from its screens, checked on synthetic screens only`
      : `${version} at ${c.found}${via}, ${tested ? 'a tested version' : `not a tested version (tested: ${ranges})`}`,
    fix: tested
      ? null
      : screensOnly
        ? `it may work; if its states look wrong (\`wtp why <agent>\`), save the screen with \`wtp record-screen <agent>\` and send it (docs/states.md)`
        : `it may work; if its states look wrong (\`wtp why <agent>\`, \`wtp record-screen <agent>\`), use a tested version (${ranges})`,
    version,
    path: c.found,
  });
}
