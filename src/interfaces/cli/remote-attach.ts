import { spawn } from 'node:child_process';
import { appError } from '../../protocol/error-messages.js';
import type { CliContext } from './context.js';

/** An ssh destination: user@host or host (a port in ~/.ssh/config); never an option. */
const SSH_DESTINATION = /^[A-Za-z0-9_][A-Za-z0-9_.@:[\]-]*$/;
const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A word for the remote shell, in single quotes (ssh hands the remote command to a shell). */
const shellWord = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * `wtp attach machine/agent` for another machine's agent: `ssh -t -- <its fleet.ssh>
 * wtp attach <id>` with this terminal; the exit status of ssh. Null: the agent is this machine's.
 * Everything from the fleet database is checked first: the destination can never be an option,
 * the remote command is made only of the agent's id and the detach key, each quoted.
 */
export async function remoteAttach(
  ctx: CliContext,
  ref: string,
  o: { detachKey: string; readOnly?: boolean | undefined },
): Promise<Promise<number> | null> {
  const client = ctx.client();
  const { fleet } = await client.call('fleetStatus');
  if (fleet === null) return null;
  const { agent } = await client.call('getAgent', { params: { agent: ref } });
  if (agent.machine === null || agent.machine === fleet.machine) return null;
  const machine = fleet.machines.find((m) => m.name === agent.machine);
  const ssh = machine?.ssh ?? null;
  if (ssh === null) {
    throw appError('ATTACH_REMOTE_UNAVAILABLE', { machine: agent.machine, agent: ref });
  }
  if (!SSH_DESTINATION.test(ssh) || !AGENT_ID.test(agent.id)) {
    throw appError('ATTACH_REMOTE_UNAVAILABLE', { machine: agent.machine, agent: ref, ssh });
  }
  const remoteCommand = [
    'wtp',
    'attach',
    agent.id,
    '--detach-key',
    o.detachKey,
    ...(o.readOnly ? ['--read-only'] : []),
  ]
    .map(shellWord)
    .join(' ');
  ctx.errorText(`attaching to ${agent.machine}/${agent.name} over ssh ${ssh}\n`, false);
  const child = spawn('ssh', ['-t', '--', ssh, remoteCommand], { env: ctx.processEnv, stdio: 'inherit' });
  return new Promise<number>((resolve) => {
    child.on('error', (err) => {
      ctx.errorText(`ssh could not be started: ${err.message}\n`, false);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
