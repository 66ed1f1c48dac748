import { useState } from 'react';
import type { AgentView } from '../../../protocol/agent.js';
import { MERGE_STRATEGIES } from '../../../protocol/constants.js';
import { paint } from '../../cli/format.js';
import { errorLines } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';
import { Form } from './form.js';

function MergeBody(props: {
  store: TuiStore;
  agent: AgentView;
  color: boolean;
  width: number;
  height: number;
  close: () => void;
}) {
  const [status, setStatus] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const { agent, color } = props;
  const submit = (v: Record<string, string>): void => {
    setBusy(true);
    setStatus([v.test ? `running the test command in ${agent.name}'s worktree: ${v.test}…` : 'merging…']);
    props.store.client
      .call('agentMerge', {
        params: { agent: agent.id },
        body: {
          strategy: (v.strategy ?? 'merge') as (typeof MERGE_STRATEGIES)[number],
          ...(v.test ? { test: v.test } : {}),
          ...(v.commit ? { commit: v.commit } : {}),
        },
      })
      .then((r) => {
        const test = r.test ? ` (test \`${r.test.command}\` exit ${r.test.exitCode})` : '';
        const text = r.ok
          ? `${agent.name}: merged into ${r.target}${r.commit ? ` as ${r.commit.slice(0, 10)}` : ''}${test}`
          : `${agent.name}: not merged: conflicts in ${r.conflicts.join(', ')}`;
        setStatus([paint(color, r.ok ? 'green' : 'red', text)]);
        // The outcome stays on the list's notice line once the form is closed.
        props.store.say(text, r.ok ? 'ok' : 'error');
        // Merged: the form closes, so the next key is the list's (a `q` typed into the commit
        // message, and Enter again, would merge again).
        if (r.ok) props.close();
      })
      .catch((err: unknown) => {
        const [first = '', ...rest] = errorLines(err);
        setStatus([paint(color, 'red', first), ...rest]);
        props.store.say(`${agent.name}: ${first}`, 'error');
      })
      .finally(() => setBusy(false));
  };
  return (
    <Form
      title={`merge ${agent.name}${agent.worktree?.branch ? ` (${agent.worktree.branch} into ${agent.worktree.base})` : ''}`}
      fields={[
        { name: 'strategy', label: 'strategy', kind: 'choice', value: 'merge', options: MERGE_STRATEGIES },
        {
          name: 'test',
          label: 'test command',
          kind: 'text',
          value: '',
          hint: 'run in its worktree first; merge only if it passes',
        },
        {
          name: 'commit',
          label: 'commit message',
          kind: 'text',
          value: '',
          hint: 'commit its uncommitted work first (else refused)',
        },
      ]}
      width={props.width}
      height={props.height}
      color={color}
      status={status}
      busy={busy}
      submit={submit}
      close={props.close}
    />
  );
}

/** `m`: merge the agent's branch — `wtp merge`, refused for the same reasons. */
export function mergeView(store: TuiStore, agent: AgentView, color: boolean): BodyView {
  return {
    title: `merge ${agent.name}`,
    render: (size, close) => <MergeBody store={store} agent={agent} color={color} {...size} close={close} />,
  };
}
