import { Button, Group } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** The columns (by `data-status`) that lie, wholly or in part, left and right of the row's view. */
interface Hidden {
  left: string[];
  right: string[];
}

function hiddenColumns(row: HTMLElement): Hidden {
  const view = row.getBoundingClientRect();
  const out: Hidden = { left: [], right: [] };
  for (const col of row.querySelectorAll<HTMLElement>(':scope > [data-status]')) {
    const r = col.getBoundingClientRect();
    const status = col.dataset['status'] ?? '';
    if (r.left < view.left - 1) out.left.push(status);
    else if (r.right > view.right + 1) out.right.push(status);
  }
  return out;
}

const same = (a: string[], b: string[]): boolean => a.join() === b.join();

/** A button over one edge of the row that scrolls it towards the columns out of view there. */
function EdgeButton(p: { side: 'left' | 'right'; columns: string[]; onClick(): void }) {
  if (p.columns.length === 0) return <span />;
  const label = p.side === 'left' ? `‹ ${p.columns.join(', ')}` : `${p.columns.join(', ')} ›`;
  return (
    <Button
      size="compact-xs"
      variant="light"
      onClick={p.onClick}
      aria-label={`Show the ${p.columns.join(', ')} column${p.columns.length > 1 ? 's' : ''}`}
      data-testid={`board-more-${p.side}`}
    >
      {label}
    </Button>
  );
}

/**
 * The board's columns side by side. They share the width down to their least width; narrower
 * than that, the row scrolls sideways, and buttons above its edges name the columns out of view
 * on that side and scroll to them (a scrollbar alone is hidden by some systems until used).
 */
export function BoardRow({ children }: { children: ReactNode }) {
  const row = useRef<HTMLDivElement | null>(null);
  const [hidden, setHidden] = useState<Hidden>({ left: [], right: [] });
  useEffect(() => {
    const el = row.current;
    if (!el) return;
    const update = (): void => {
      const h = hiddenColumns(el);
      setHidden((old) => (same(old.left, h.left) && same(old.right, h.right) ? old : h));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    el.addEventListener('scroll', update, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, []);
  const scroll = (direction: -1 | 1): void => {
    const el = row.current;
    if (el) el.scrollBy({ left: direction * el.clientWidth * 0.8, behavior: 'smooth' });
  };
  return (
    <div>
      {hidden.left.length + hidden.right.length > 0 ? (
        <Group justify="space-between" mb={4}>
          <EdgeButton side="left" columns={hidden.left} onClick={() => scroll(-1)} />
          <EdgeButton side="right" columns={hidden.right} onClick={() => scroll(1)} />
        </Group>
      ) : null}
      <div
        ref={row}
        style={{
          display: 'flex',
          alignItems: 'flex-start',
          gap: 'var(--mantine-spacing-xs)',
          overflowX: 'auto',
          paddingBottom: 4,
        }}
        data-testid="board"
      >
        {children}
      </div>
    </div>
  );
}
