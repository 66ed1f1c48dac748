import { getChangeKey, type ChangeData } from 'react-diff-view';

/** A line of the diff a comment is about. */
export interface LineRef {
  path: string;
  /** react-diff-view's key of the change (where its widget goes). */
  changeKey: string;
  /** The line number in the new file, or in the old one for a removed line. */
  line: number;
  removed: boolean;
  /** The line's text, quoted in the feedback. */
  content: string;
}

/** A review comment on a line, held in the draft until it is sent. */
export interface ReviewComment extends LineRef {
  id: number;
  text: string;
}

/** The comments of a diff and what the viewer does with them. */
export interface CommentActions {
  comments: ReviewComment[];
  /** The line whose comment editor is open. */
  editing: LineRef | null;
  onLine: (ref: LineRef) => void;
  onAdd: (text: string) => void;
  onCancel: () => void;
  onRemove: (id: number) => void;
}

/** The line a click on a change's gutter means (`side` is the clicked column in split view). */
export function lineRef(path: string, change: ChangeData, side: 'old' | 'new' | undefined): LineRef {
  const removed = change.type === 'delete';
  const line =
    change.type === 'normal'
      ? side === 'old'
        ? change.oldLineNumber
        : change.newLineNumber
      : change.lineNumber;
  return { path, changeKey: getChangeKey(change), line, removed, content: change.content };
}

/** "app.txt:12" or "app.txt (removed line 12)". */
export function where(ref: LineRef): string {
  return ref.removed ? `${ref.path} (removed line ${ref.line})` : `${ref.path}:${ref.line}`;
}

const QUOTE_MAX = 160;

/**
 * The feedback message typed to the agent: one item per comment, in file and line order, with the
 * line it is about quoted.
 *
 *     Review comments:
 *     - src/a.ts:12: use the shared helper
 *       > const x = helper(1);
 */
export function composeFeedback(comments: readonly ReviewComment[]): string {
  const sorted = [...comments].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.id - b.id);
  const items = sorted.map((c) => {
    const text = c.text.trim().split('\n').join('\n  ');
    const quote = c.content.trim();
    const quoted = quote.length > QUOTE_MAX ? `${quote.slice(0, QUOTE_MAX)}…` : quote;
    return `- ${where(c)}: ${text}${quoted ? `\n  > ${quoted}` : ''}`;
  });
  return `Review comments:\n${items.join('\n')}`;
}
