import { Button, Checkbox, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { PUSH_KINDS, type PushKind, type PushPrefs } from '../../../src/protocol/push.js';
import { client, errorText } from '../api.js';

const LABELS: Record<PushKind, string> = {
  permission: 'Permissions',
  question: 'Questions',
  done: 'Finished turns',
  error: 'Crashes',
  budget: 'Budgets',
};

/** What this phone is pushed about, when it is quiet, and what its lock screen shows. */
export function PushPrefsForm({ prefs, onSaved }: { prefs: PushPrefs; onSaved: (p: PushPrefs) => void }) {
  const [kinds, setKinds] = useState<string[]>(prefs.kinds);
  const [workspaces, setWorkspaces] = useState(prefs.workspaces.join(', '));
  const [quiet, setQuiet] = useState(prefs.quietHours !== null);
  const [from, setFrom] = useState(prefs.quietHours?.from ?? '22:00');
  const [to, setTo] = useState(prefs.quietHours?.to ?? '07:00');
  const [detail, setDetail] = useState(prefs.lockScreenDetail);
  const [note, setNote] = useState<string | null>(null);
  const save = async (): Promise<void> => {
    const next: PushPrefs = {
      kinds: PUSH_KINDS.filter((k) => kinds.includes(k)),
      workspaces: workspaces
        .split(',')
        .map((w) => w.trim())
        .filter((w) => w !== ''),
      // getTimezoneOffset is minutes behind UTC: its negation is the offset the daemon takes.
      quietHours: quiet ? { from, to, utcOffsetMinutes: -new Date().getTimezoneOffset() } : null,
      lockScreenDetail: detail,
    };
    try {
      const s = await client.call('pushSubscribe', { body: { prefs: next } });
      setNote('Saved.');
      onSaved(s.prefs ?? next);
    } catch (err) {
      setNote(errorText(err));
    }
  };
  return (
    <Stack gap="xs" data-testid="push-prefs">
      <Checkbox.Group label="Notify me about" value={kinds} onChange={setKinds}>
        <Group gap="md" mt={4}>
          {PUSH_KINDS.map((k) => (
            <Checkbox key={k} value={k} label={LABELS[k]} size="md" data-kind={k} />
          ))}
        </Group>
      </Checkbox.Group>
      <TextInput
        label="Only these workspaces"
        description="Comma-separated; empty: all"
        value={workspaces}
        onChange={(e) => setWorkspaces(e.currentTarget.value)}
        data-testid="push-workspaces"
      />
      <Switch
        label="Quiet hours"
        checked={quiet}
        onChange={(e) => setQuiet(e.currentTarget.checked)}
        size="md"
        data-testid="push-quiet"
      />
      {quiet ? (
        <Group grow>
          <TextInput
            type="time"
            label="From"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            data-testid="push-quiet-from"
          />
          <TextInput
            type="time"
            label="To"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="push-quiet-to"
          />
        </Group>
      ) : null}
      <Switch
        label="Show what the agent asks on the lock screen"
        checked={detail}
        onChange={(e) => setDetail(e.currentTarget.checked)}
        size="md"
        data-testid="push-detail"
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="push-prefs-note">
          {note ?? ''}
        </Text>
        <Button size="md" onClick={() => void save()} data-testid="push-prefs-save">
          Save
        </Button>
      </Group>
    </Stack>
  );
}
