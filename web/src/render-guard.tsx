import { Alert, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What is shown, in words, when it cannot be (`agent api`, `the Tasks view`). */
  what: string;
  /** `row`: a line in place of the row; `view`: an alert in place of the view. */
  kind: 'row' | 'view';
  children: ReactNode;
}

/**
 * One part of the page that cannot be drawn (a malformed agent or task from another machine of the
 * fleet, a version that says things otherwise) shows a line saying so, never a blank page: the rest
 * of the page is drawn as usual.
 */
export class RenderGuard extends Component<Props, { failed: string | null }> {
  override state: { failed: string | null } = { failed: null };

  static getDerivedStateFromError(err: unknown): { failed: string } {
    return { failed: err instanceof Error ? err.message : String(err) };
  }

  override componentDidCatch(err: unknown, info: ErrorInfo): void {
    console.error(`wezterm-parallel: ${this.props.what} cannot be shown`, err, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.failed === null) return this.props.children;
    if (this.props.kind === 'row') {
      return (
        <Text size="sm" c="red" px="xs" data-testid="unrenderable" title={this.state.failed}>
          {this.props.what} cannot be shown (malformed data: see `wtp fleet`)
        </Text>
      );
    }
    return (
      <Alert color="red" title={`${this.props.what} cannot be shown`} data-testid="unrenderable">
        {this.state.failed}
      </Alert>
    );
  }
}
