import { Alert, Code, List, ScrollArea, Text } from '@mantine/core';
import type { RouteResponse } from '../../../src/protocol/routes.js';
import { errorText, AppError } from '../api.js';

export type MergeOutcome =
  { kind: 'merged'; result: RouteResponse<'agentMerge'> } | { kind: 'failed'; error: unknown };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

function Output({ text }: { text: string }) {
  if (!text.trim())
    return (
      <Text size="xs" c="dimmed">
        (no output)
      </Text>
    );
  return (
    <ScrollArea.Autosize mah={220} type="auto">
      <Code block data-testid="test-output">
        {text}
      </Code>
    </ScrollArea.Autosize>
  );
}

/** What a merge did: the new commit and the test's output, or why nothing was merged. */
export function MergeOutcomeView({ outcome }: { outcome: MergeOutcome }) {
  if (outcome.kind === 'merged') {
    const r = outcome.result;
    if (!r.ok) {
      return (
        <Alert
          color="red"
          title="Not merged: conflicts"
          data-testid="merge-result"
          data-code="MERGE_CONFLICT"
        >
          <List size="sm">
            {r.conflicts.map((f) => (
              <List.Item key={f}>{f}</List.Item>
            ))}
          </List>
        </Alert>
      );
    }
    return (
      <Alert color="green" title={`Merged into ${r.target}`} data-testid="merge-result" data-code="OK">
        <Text size="sm">
          Commit <Code>{(r.commit ?? '').slice(0, 12)}</Code> is now on {r.target}.
        </Text>
        {r.test ? (
          <>
            <Text size="sm" mt="xs">
              <Code>{r.test.command}</Code> passed:
            </Text>
            <Output text={r.test.output} />
          </>
        ) : null}
      </Alert>
    );
  }
  const err = outcome.error;
  const code = err instanceof AppError ? err.code : 'ERROR';
  const d = err instanceof AppError ? (err.details ?? {}) : {};
  if (code === 'MERGE_TEST_FAILED') {
    return (
      <Alert
        color="red"
        title="Not merged: the test command failed"
        data-testid="merge-result"
        data-code={code}
      >
        <Text size="sm">
          <Code>{String(d['command'] ?? '')}</Code> exited with {String(d['exitCode'] ?? '?')}; nothing was
          merged. [{code}]
        </Text>
        <Output text={String(d['output'] ?? '')} />
      </Alert>
    );
  }
  if (code === 'MERGE_CONFLICT') {
    return (
      <Alert color="red" title="Not merged: it would conflict" data-testid="merge-result" data-code={code}>
        <Text size="sm">{errorText(err)}</Text>
        <List size="sm" ff="monospace">
          {strings(d['conflicts']).map((f) => (
            <List.Item key={f}>{f}</List.Item>
          ))}
        </List>
      </Alert>
    );
  }
  if (code === 'MERGE_UNCOMMITTED') {
    return (
      <Alert color="orange" title="Uncommitted work" data-testid="merge-result" data-code={code}>
        <Text size="sm">
          {strings(d['files']).length} file(s) are not committed ({strings(d['files']).slice(0, 5).join(', ')}
          ). Enter a commit message above: the work is committed with it, then merged.
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="red" title="Not merged" data-testid="merge-result" data-code={code}>
      {errorText(err)}
    </Alert>
  );
}
