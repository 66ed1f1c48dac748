import { useCallback, useMemo, useRef, useState } from 'react';
import type { LineRef, ReviewComment } from './comments.js';
import type { CommentActions } from './comments.js';

/**
 * The draft of line comments of each agent (kept while the page is open, per agent) and the line
 * whose comment editor is open.
 */
export function useCommentDraft(agentId: string | null): CommentActions & { clear: () => void } {
  const [drafts, setDrafts] = useState<Record<string, ReviewComment[]>>({});
  const [editing, setEditing] = useState<{ agentId: string; at: LineRef } | null>(null);
  const nextId = useRef(1);
  const comments = useMemo(() => (agentId ? (drafts[agentId] ?? []) : []), [drafts, agentId]);
  const update = useCallback(
    (f: (list: ReviewComment[]) => ReviewComment[]) => {
      if (agentId) setDrafts((d) => ({ ...d, [agentId]: f(d[agentId] ?? []) }));
    },
    [agentId],
  );
  const at = editing && editing.agentId === agentId ? editing.at : null;
  const onLine = useCallback((ref: LineRef) => agentId && setEditing({ agentId, at: ref }), [agentId]);
  const onCancel = useCallback(() => setEditing(null), []);
  const onAdd = useCallback(
    (text: string) => {
      if (!at) return;
      const comment: ReviewComment = { ...at, id: nextId.current++, text: text.trim() };
      update((list) => [...list, comment]);
      setEditing(null);
    },
    [at, update],
  );
  const onRemove = useCallback((id: number) => update((list) => list.filter((c) => c.id !== id)), [update]);
  const clear = useCallback(() => update(() => []), [update]);
  return { comments, editing: at, onLine, onAdd, onCancel, onRemove, clear };
}
