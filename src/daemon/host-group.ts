import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join, dirname } from 'node:path';
import {
  closedPanesFile,
  recordClosedPane,
  servedPanesFile,
  writePanes,
} from '../adapters/headless/closed-panes.js';
import { CappedLog } from '../adapters/output-log/capped-log.js';
import {
  GROUP_LINE_MAX_BYTES,
  parseGroupRequest,
  type ClosedPane,
  type GroupReply,
  type GroupRequest,
} from '../protocol/host-group.js';
import {
  HOST_LOG_MAX_BYTES,
  HostArgsError,
  hostShared,
  keepServing,
  parseHostArgs,
  routeConsole,
  startMember,
  type HostArgs,
  type Member,
} from './host-member.js';
import { PaneTerminal } from '../interfaces/host/pane-terminal.js';
import { openPaneTty, type PaneTty } from './pane-tty.js';
import { tmuxPaneOptions, tmuxServerAnswers } from './tmux-pane.js';

/**
 * `wtp host --group SOCKET --members FILE …`: one process holding the agents of one workspace,
 * each its own AgentHost with its own link to the daemon, so the daemon's view of a host is
 * unchanged. A process per agent costs about 7 MiB before it does anything; an agent here costs
 * its terminal. An agent in a tmux or WezTerm pane is served through the pane's terminal, which a holder
 * (`cat FIFO`) keeps open; closing the FIFO closes the pane. The price: this process ending ends
 * every agent it holds (the daemon restarts them and says why). It leaves with its last agent.
 */
export function runHostGroup(first: HostArgs, socketPath: string): void {
  const membersFile = first.members ?? `${socketPath}.members`;
  const shared = hostShared(first.processInspector);
  const log = new CappedLog(
    join(dirname(socketPath), `${hostGroupName(socketPath)}.log`),
    HOST_LOG_MAX_BYTES,
  );
  routeConsole(log);
  const diag = (level: string, msg: string): void =>
    log.append(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg })}\n`);
  keepServing(diag);
  const members = new Map<string, Member>();
  const ttys = new Map<Member, PaneTty>();
  /** The pane each agent in a terminal's pane is served in. */
  const served = new Map<string, string>();
  let closedPanes: ClosedPane[] = [];
  let closing = false;

  const writeMembers = (): void => {
    const tmp = `${membersFile}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify([...members.keys()]), { mode: 0o600 });
      renameSync(tmp, membersFile);
      writePanes(
        servedPanesFile(socketPath),
        [...served].map(([agent, pane]) => ({ agent, pane })),
      );
    } catch (err) {
      diag('warn', `could not write ${membersFile}: ${String(err)}`);
    }
  };
  // A daemon that is away misses the agent's `closing`; if this pane was the last, the group ends
  // too, and the daemon finds only this file to tell a pane closed by hand from a crash.
  const noteClosedPane = (agent: string, pane: string): void => {
    const file = closedPanesFile(socketPath);
    try {
      closedPanes = recordClosedPane(file, closedPanes, { agent, pane });
    } catch (err) {
      diag('warn', `could not write ${file}: ${String(err)}`);
    }
  };
  const leave = (agent: string, member: Member): void => {
    if (members.get(agent) !== member) return;
    members.delete(agent);
    served.delete(agent);
    member.removeRecord();
    ttys.get(member)?.close();
    ttys.delete(member);
    diag('info', `agent ${agent} left the group (${members.size} left)`);
    if (members.size > 0) return writeMembers();
    // The last agent left: refuse new ones (the daemon starts another group), then go.
    closing = true;
    server.close();
    rmSync(socketPath, { force: true });
    rmSync(membersFile, { force: true });
    rmSync(servedPanesFile(socketPath), { force: true });
    process.exit(0);
  };
  const add = async (a: HostArgs): Promise<GroupReply> => {
    if (closing) return { ok: false, code: 'closing', message: 'this host group is ending' };
    // The daemon starts a new host only for an agent whose host is on its way out: this one replaces it.
    const previous = members.get(a.agent);
    if (previous) {
      members.delete(a.agent);
      previous.host.terminate();
    }
    let tty: PaneTty | null = null;
    const paneId = a.paneTty ? `${a.paneTty.id}/${process.pid}` : groupPaneId(process.pid, a.agent);
    if (a.paneTty) {
      const p = a.paneTty;
      // The daemon makes the FIFO beside this group's socket; one elsewhere is not ours to open.
      if (dirname(p.fifo) !== dirname(socketPath))
        return { ok: false, code: 'invalid', message: "the pane's FIFO is not in this group's folder" };
      try {
        tty = await openPaneTty(p.tty, p.fifo, () => {
          void tmuxServerAnswers(p.tmuxSocket).then((alive) => {
            if (alive) noteClosedPane(a.agent, paneId);
            member.host.paneClosed(alive ? 'pane_closed' : 'mux_gone');
          });
        });
      } catch (err) {
        return { ok: false, code: 'invalid', message: `cannot serve the pane: ${String(err)}` };
      }
    }
    // In tmux the user vars pass through tmux, and the pane border shows the state; WezTerm reads them as they are.
    const inTmux = a.paneTty?.tmuxSocket !== undefined;
    const pane = tty
      ? new PaneTerminal(tty.input, tty.output, inTmux, tmuxPaneOptions(a.paneTty?.tmuxSocket, a.paneTty?.id))
      : null;
    const member: Member = startMember(a, shared, {
      pane,
      paneId,
      exit: () => leave(a.agent, member),
    });
    if (tty) ttys.set(member, tty);
    if (tty) served.set(a.agent, paneId);
    else served.delete(a.agent);
    members.set(a.agent, member);
    writeMembers();
    member.diag('info', `host started for agent ${a.agent} in group ${process.pid}`);
    member.host.start();
    return { ok: true };
  };
  const handle = async (req: GroupRequest): Promise<GroupReply> => {
    if (req.op === 'close') {
      const member = members.get(req.agent);
      if (!member) return { ok: false, code: 'unknown', message: `agent ${req.agent} has no host here` };
      member.host.terminate();
      return { ok: true };
    }
    try {
      const a = parseHostArgs(req.args, { group: false });
      if (a.pane && !a.paneTty)
        return {
          ok: false,
          code: 'invalid',
          message: 'a group holds headless agents and the panes it is given only',
        };
      // Its agents are one daemon's: the same host socket, log folders beside each other.
      if (a.socket !== first.socket || dirname(a.logDir) !== dirname(first.logDir))
        return { ok: false, code: 'invalid', message: "not this group's daemon or agents folder" };
      return await add(a);
    } catch (err) {
      if (err instanceof HostArgsError) return { ok: false, code: 'invalid', message: err.message };
      throw err;
    }
  };

  const server = createServer((socket) => serve(socket, handle));
  void add(first).then((r) => {
    if (r.ok) return;
    // Without its first agent the group would wait for nothing: the daemon's connect timeout says why.
    diag('error', `agent ${first.agent} refused: ${r.message}`);
    process.exit(1);
  });
  server.listen(socketPath, () => {
    try {
      chmodSync(socketPath, 0o600);
    } catch (err) {
      diag('warn', `could not restrict ${socketPath}: ${String(err)}`);
    }
  });
  server.on('error', (err) => diag('error', `group socket: ${String(err)}`));
  // A signal to the group is a signal to every agent it holds, as to a single host.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.on(signal, () => {
      for (const m of members.values()) m.host.terminate();
    });
  process.on('exit', () => {
    for (const m of members.values()) m.removeRecord();
  });
  diag('info', `host group ${process.pid} started with agent ${first.agent}`);
}

/** The pane id the daemon knows an agent of a group by. */
export const groupPaneId = (pid: number, agent: string): string => `h-${pid}/${agent}`;

const hostGroupName = (socketPath: string): string =>
  socketPath.slice(socketPath.lastIndexOf('/') + 1).replace(/\.sock$/, '');

/** One request line, one reply line; anything longer or malformed is refused and the socket closed. */
function serve(socket: Socket, handle: (req: GroupRequest) => Promise<GroupReply>): void {
  let buf = '';
  const reply = (r: GroupReply): void => {
    socket.end(`${JSON.stringify(r)}\n`);
  };
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    buf += chunk;
    const nl = buf.indexOf('\n');
    if (nl < 0) {
      if (Buffer.byteLength(buf) > GROUP_LINE_MAX_BYTES)
        reply({ ok: false, code: 'invalid', message: 'request too long' });
      return;
    }
    socket.removeAllListeners('data');
    const req = parseGroupRequest(buf.slice(0, nl));
    if (!req) return reply({ ok: false, code: 'invalid', message: 'not a host group request' });
    handle(req).then(reply, (err: unknown) => reply({ ok: false, code: 'invalid', message: String(err) }));
  });
}
