import { CLI_VERSION_PATTERN } from '../../../protocol/constants.js';
import type { AgentCliInfo, AgentClis, DoctorCheck } from '../../../protocol/doctor.js';
import { cliSupport, SCREENS_ONLY } from '../../../protocol/version-range.js';
import { check, runProgram } from './probe.js';

const RESTART = 'restart the daemon (`wtp down`, then `wtp up`)';

/**
 * Each agent CLI where the daemon finds it (or would, started from here), its version, and whether
 * that version is one the tests run. A CLI that is not installed is skipped (`wtp new` would say
 * how to install it); one that WTP_<NAME>_BIN names but is not there, or that fails `--version`, fails.
 */
export async function agentCliChecks(clis: AgentClis, where: 'daemon' | 'local'): Promise<DoctorCheck[]> {
  const path = where === 'daemon' ? "the daemon's PATH" : 'PATH';
  return Promise.all(clis.agentClis.map((c) => oneCli(c, path)));
}

async function oneCli(c: AgentCliInfo, onPath: string): Promise<DoctorCheck> {
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
  const run = await runProgram(c.found, ['--version']);
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
  const found = { version, path: c.found };
  const judged = cliSupport(c.profile, c.testedVersions, version);
  if (judged.support === 'screens-only') {
    return check(id, {
      status: 'warn',
      summary: `${version} at ${c.found}${via}; ${SCREENS_ONLY}: its states come from its screens, checked on synthetic screens only`,
      fix: `it may work; if its states look wrong (\`wtp why <agent>\`), save the screen with \`wtp record-screen <agent>\` and send it (docs/states.md)`,
      ...found,
    });
  }
  const tested = judged.inRange === true;
  return check(id, {
    status: tested ? 'ok' : 'warn',
    summary: `${version} at ${c.found}${via}, ${tested ? 'a tested version' : `not a tested version (tested: ${c.testedVersions.join(', ')})`}`,
    fix: tested
      ? null
      : `it may work; if its states look wrong (\`wtp why <agent>\`, \`wtp record-screen <agent>\`), use a tested version (${c.testedVersions.join(', ')})`,
    ...found,
  });
}
