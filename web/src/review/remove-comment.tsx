import { ActionIcon } from '@mantine/core';

/** The ✕ that drops a draft review comment (under its line, and in the draft list). */
export function RemoveComment({ onClick }: { onClick(): void }) {
  return (
    <ActionIcon variant="subtle" color="gray" size="sm" aria-label="Remove comment" onClick={onClick}>
      ✕
    </ActionIcon>
  );
}
