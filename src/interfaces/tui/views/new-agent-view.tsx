import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { useEffect, useState } from 'react';
import { PROFILE_NAMES } from '../../../protocol/constants.js';
import { actsUnasked, modeName } from '../../../protocol/permission-words.js';
import { paint } from '../../cli/format.js';
import { errorText } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';
import { Form, type Field } from './form.js';

/** Whether `dir` is inside a git working tree (a `.git` folder or file in it or a parent). */
export function insideRepository(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

function NewAgentBody(props: {
  store: TuiStore;
  cwd: string;
  color: boolean;
  width: number;
  height: number;
  close: () => void;
}) {
  const [status, setStatus] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [profiles, setProfiles] = useState<readonly string[] | null>(null);
  useEffect(() => {
    props.store.client
      .call('listProfiles')
      .then((r) =>
        setProfiles(r.profiles.filter((p) => p.found !== null || p.program === null).map((p) => p.name)),
      )
      .catch(() => setProfiles(PROFILE_NAMES));
  }, [props.store]);
  if (!profiles) return null;
  const submit = (v: Record<string, string>): void => {
    const profile = v.profile ?? 'shell';
    const argv = profile === 'cmd' ? (v.command ?? '').split(/\s+/).filter(Boolean) : [];
    setBusy(true);
    setStatus(['starting…']);
    props.store.client
      .call('createAgent', {
        body: {
          profile,
          cwd: v.cwd || props.cwd,
          ...(v.name ? { name: v.name } : {}),
          ...(v.workspace ? { workspace: v.workspace } : {}),
          ...(v.prompt ? { prompt: v.prompt } : {}),
          ...(v.worktree === 'own worktree' ? { repo: v.cwd || props.cwd } : {}),
          ...(argv.length > 0 ? { argv } : {}),
          ...(v.mode ? { permissionMode: v.mode } : {}),
          ...(v.sandbox === 'sandboxed' ? { sandbox: true } : {}),
          restart: 'never',
          env: {},
          wait: true,
        },
      })
      .then((r) => {
        // Done: back to the list, on the new agent, with the outcome on the notice line.
        props.store.update({ selectedAgent: r.agent.id });
        // One that acts without asking says so at once, as `wtp new` does.
        const p = r.agent.permission;
        props.store.say(
          p && actsUnasked(p.mode)
            ? `started ${r.agent.name}: it acts without asking in ${modeName(p)} mode (${p.originDetail})`
            : `started ${r.agent.name} (${r.agent.id}): ${r.agent.state}`,
          p && actsUnasked(p.mode) ? 'error' : 'ok',
        );
        props.close();
      })
      .catch((err: unknown) => setStatus([paint(props.color, 'red', errorText(err))]))
      .finally(() => setBusy(false));
  };
  const fields: Field[] = [
    {
      name: 'profile',
      label: 'profile',
      kind: 'choice',
      value: profiles.includes('claude') ? 'claude' : (profiles[0] ?? 'shell'),
      options: profiles,
    },
    { name: 'name', label: 'name', kind: 'text', value: '', hint: 'default: <profile>-<n>' },
    {
      name: 'prompt',
      label: 'prompt',
      kind: 'text',
      value: '',
      hint: 'typed once it is at its prompt (optional)',
    },
    {
      name: 'worktree',
      label: 'worktree',
      kind: 'choice',
      // Inside a repository an agent gets a worktree of its own, as `wtp new --repo .` does: a quick
      // Enter never puts it in the user's own checkout.
      value: insideRepository(props.cwd) ? 'own worktree' : 'no worktree',
      options: ['no worktree', 'own worktree'],
    },
    {
      name: 'mode',
      label: 'permission mode',
      kind: 'text',
      value: '',
      hint: "empty: the CLI's own (claude's is auto); claude: default asks first, acceptEdits, plan",
    },
    {
      name: 'sandbox',
      label: 'sandbox',
      kind: 'choice',
      value: 'not sandboxed',
      options: ['not sandboxed', 'sandboxed'],
    },
    {
      name: 'cwd',
      label: 'folder',
      kind: 'text',
      value: props.cwd,
      hint: 'the repository, for its own worktree',
    },
    { name: 'workspace', label: 'workspace', kind: 'text', value: '', hint: 'default: default' },
    {
      name: 'command',
      label: 'command (cmd)',
      kind: 'text',
      value: '',
      hint: 'for the cmd profile: program and arguments',
    },
  ];
  return (
    <Form
      title="new agent"
      fields={fields}
      width={props.width}
      height={props.height}
      color={props.color}
      status={status}
      busy={busy}
      submit={submit}
      close={props.close}
    />
  );
}

/** `n`: a new agent — `wtp new`, refused for the same reasons (the form stays filled). */
export function newAgentView(store: TuiStore, cwd: string, color: boolean): BodyView {
  return {
    title: 'new agent',
    render: (size, close) => <NewAgentBody store={store} cwd={cwd} color={color} {...size} close={close} />,
  };
}
