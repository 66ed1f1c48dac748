import { Button, Collapse, Group, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PushPrefs } from '../../../src/protocol/push.js';
import { client, errorText } from '../api.js';
import { PushPrefsForm } from './push-prefs.js';

/** The service worker, on the remote listener only (TLS): the local dashboard needs none. */
export function registerServiceWorker(): void {
  if (location.protocol !== 'https:' || !('serviceWorker' in navigator)) return;
  void navigator.serviceWorker.register('/dashboard/sw.js', { scope: '/dashboard/' }).catch(() => undefined);
}

type Phase = 'unsupported' | 'off' | 'on' | 'busy';

/**
 * "Notify this phone": asks the browser for a push subscription with the daemon's VAPID key and
 * hands it to the daemon, with this device's offset from UTC for quiet hours.
 */
export function PhonePush() {
  const supported = location.protocol === 'https:' && 'serviceWorker' in navigator && 'PushManager' in window;
  const [phase, setPhase] = useState<Phase>(supported ? 'busy' : 'unsupported');
  const [error, setError] = useState<string | null>(null);
  const [prefs, setPrefs] = useState<PushPrefs | null>(null);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!supported) return;
    client.call('pushSettings').then(
      (s) => {
        setPrefs(s.prefs);
        setPhase(s.subscribed ? 'on' : 'off');
      },
      () => setPhase('unsupported'),
    );
  }, [supported]);
  if (phase === 'unsupported') return null;
  const turnOn = async (): Promise<void> => {
    setPhase('busy');
    setError(null);
    try {
      if ((await Notification.requestPermission()) !== 'granted')
        throw new Error('Notifications are blocked for this site.');
      const { publicKey } = await client.call('pushSettings');
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey });
      const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
      const s = await client.call('pushSubscribe', { body: { subscription: json, prefs: {} } });
      setPrefs(s.prefs);
      setPhase('on');
    } catch (err) {
      setError(errorText(err));
      setPhase('off');
    }
  };
  const turnOff = async (): Promise<void> => {
    setPhase('busy');
    await client.call('pushUnsubscribe', { body: {} }).catch((err: unknown) => setError(errorText(err)));
    setPhase('off');
  };
  return (
    <Stack gap="xs">
      <Group justify="space-between" data-testid="phone-push">
        <Text size="sm" c="dimmed">
          {phase === 'on' ? 'This phone is notified when an agent needs you.' : 'Get notified on this phone.'}
          {error ? ` ${error}` : ''}
        </Text>
        <Group gap="xs">
          {phase === 'on' && prefs ? (
            <Button
              size="md"
              variant="subtle"
              onClick={() => setEditing((e) => !e)}
              data-testid="push-prefs-toggle"
            >
              {editing ? 'Close' : 'Settings'}
            </Button>
          ) : null}
          <Button
            size="md"
            variant="light"
            loading={phase === 'busy'}
            onClick={() => void (phase === 'on' ? turnOff() : turnOn())}
          >
            {phase === 'on' ? 'Stop notifying' : 'Notify this phone'}
          </Button>
        </Group>
      </Group>
      {phase === 'on' && prefs ? (
        <Collapse expanded={editing}>
          <PushPrefsForm prefs={prefs} onSaved={setPrefs} />
        </Collapse>
      ) : null}
    </Stack>
  );
}
