import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { WorkspaceSummary } from '../../../src/protocol/workspace.js';
import { PROFILE_NAMES } from '../../../src/protocol/constants.js';
import type { CreateTaskRequest, TaskView } from '../../../src/protocol/tasks.js';
import type { Issue } from '../../../src/protocol/error-catalog.js';
import { client, errorText, AppError } from '../api.js';
import { fieldErrors } from './task-form-errors.js';

interface Form {
  title: string;
  prompt: string;
  workspace: string;
  priority: number | string;
  after: string[];
  profile: string | null;
  model: string;
  attempts: number | string;
  status: 'ready' | 'backlog';
}

const EMPTY: Form = {
  title: '',
  prompt: '',
  workspace: '',
  priority: 0,
  after: [],
  profile: null,
  model: '',
  attempts: 1,
  status: 'ready',
};

/** The request for the form: what was filled in (the daemon validates it all). */
function request(f: Form): Partial<CreateTaskRequest> {
  const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
  return {
    title: f.title.trim(),
    prompt: f.prompt,
    ...(f.workspace.trim() ? { workspace: f.workspace.trim() } : {}),
    ...(f.priority !== '' && num(f.priority) !== 0 ? { priority: num(f.priority) } : {}),
    ...(f.after.length > 0 ? { after: f.after } : {}),
    ...(f.profile ? { profile: f.profile as CreateTaskRequest['profile'] } : {}),
    ...(f.model.trim() ? { model: f.model.trim() } : {}),
    ...(f.attempts !== '' && num(f.attempts) !== 1 ? { attempts: num(f.attempts) } : {}),
    status: f.status,
  };
}

/** The fields that show their own problems (the rest show above the buttons). */
const FIELDS_WITH_ERRORS = [
  'title',
  'prompt',
  'workspace',
  'profile',
  'model',
  'after',
  'priority',
  'attempts',
];

/** The daemon's objections in the form's words, by field; the rest (and other errors) under ''. */
function formErrors(err: unknown): Record<string, string> {
  const issues = err instanceof AppError ? (err.details?.['issues'] as Issue[] | undefined) : undefined;
  return issues ? fieldErrors(issues, FIELDS_WITH_ERRORS) : { '': errorText(err) };
}

/** "Add a task": a form whose every field the daemon checks; problems show on their fields. */
export function AddTask(p: {
  opened: boolean;
  onClose(): void;
  tasks: TaskView[];
  workspace: string | null;
}) {
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [workspaces, setWorkspaces] = useState<WorkspaceSummary[]>([]);
  useEffect(() => {
    if (!p.opened) return;
    client
      .call('listWorkspaces')
      .then(({ workspaces: list }) => {
        setWorkspaces(list);
        // The board's workspace, else the only one with a folder (tasks run there).
        const withFolder = list.filter((w) => w.repoPath !== null);
        const preset = p.workspace ?? (withFolder.length === 1 ? (withFolder[0]?.name ?? '') : '');
        setForm((f) => (f.workspace ? f : { ...f, workspace: preset }));
      })
      .catch((err: unknown) => setErrors({ '': errorText(err) }));
  }, [p.opened, p.workspace]);
  const chosen = workspaces.find((w) => w.name === (form.workspace || 'default'));
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (): void => {
    setBusy(true);
    client
      .call('createTask', { body: request(form) as CreateTaskRequest })
      .then(() => {
        setForm(EMPTY);
        setErrors({});
        p.onClose();
      })
      .catch((err: unknown) => setErrors(formErrors(err)))
      .finally(() => setBusy(false));
  };
  return (
    <Modal opened={p.opened} onClose={p.onClose} title="Add a task" size="lg" data-testid="add-task-modal">
      <Stack gap="xs">
        <TextInput
          label="Title"
          value={form.title}
          onChange={(e) => set('title', e.currentTarget.value)}
          error={errors['title']}
          data-testid="task-title"
        />
        <Textarea
          label="Prompt"
          description="Typed into the agent once it is at its prompt (a cmd task runs it as a command line)"
          autosize
          minRows={3}
          value={form.prompt}
          onChange={(e) => set('prompt', e.currentTarget.value)}
          error={errors['prompt']}
          data-testid="task-prompt"
        />
        <Group grow>
          <Select
            label="Workspace"
            placeholder="default"
            data={workspaces.map((w) => w.name)}
            searchable
            clearable
            value={form.workspace || null}
            onChange={(v) => set('workspace', v ?? '')}
            error={errors['workspace']}
            description={
              chosen && chosen.repoPath === null ? 'No folder: its tasks wait until it has one' : undefined
            }
            data-testid="task-workspace-field"
          />
          <Select
            label="Profile"
            placeholder="the daemon's default"
            data={[...PROFILE_NAMES]}
            clearable
            value={form.profile}
            onChange={(v) => set('profile', v)}
            error={errors['profile']}
            data-testid="task-profile"
          />
          <TextInput
            label="Model"
            value={form.model}
            onChange={(e) => set('model', e.currentTarget.value)}
            error={errors['model']}
          />
        </Group>
        <MultiSelect
          label="After (dependencies)"
          data={p.tasks.map((t) => ({ value: t.id, label: `${t.title} (${t.status})` }))}
          searchable
          value={form.after}
          onChange={(v) => set('after', v)}
          error={errors['after']}
          data-testid="task-after"
        />
        <Group grow>
          <NumberInput
            label="Priority"
            value={form.priority}
            onChange={(v) => set('priority', v)}
            error={errors['priority']}
            data-testid="task-priority"
          />
          <NumberInput
            label="Attempts (best of N)"
            min={1}
            value={form.attempts}
            onChange={(v) => set('attempts', v)}
            error={errors['attempts']}
          />
        </Group>
        <SegmentedControl
          data={[
            { value: 'ready', label: 'Ready: dispatch when its dependencies are done' },
            { value: 'backlog', label: 'Backlog: park it' },
          ]}
          value={form.status}
          onChange={(v) => set('status', v as Form['status'])}
        />
        {errors[''] ? (
          <Alert color="red" data-testid="add-task-error">
            {errors['']}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={p.onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} data-testid="add-task-submit">
            Add
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
