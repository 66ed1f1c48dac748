import { useEffect, useState } from 'react';

export const VIEWS = ['fleet', 'inbox', 'terminal', 'tasks', 'review', 'metrics'] as const;
export type View = (typeof VIEWS)[number];

/** Where the page is: `#/terminal/api` is the terminal view of agent "api". */
export interface Route {
  view: View;
  /** An agent (terminal, review) or a task (tasks: its comparison), when one is chosen. */
  arg: string | null;
}

export function parseRoute(hash: string): Route {
  const [first, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const view = VIEWS.find((v) => v === first) ?? 'fleet';
  const arg = rest.length > 0 ? decodeURIComponent(rest.join('/')) : null;
  return { view, arg: arg === '' ? null : arg };
}

export function routeHash(view: View, arg?: string | null): string {
  return arg ? `#/${view}/${encodeURIComponent(arg)}` : `#/${view}`;
}

/** Goes to a view (a new history entry, so Back returns). */
export function go(view: View, arg?: string | null): void {
  location.hash = routeHash(view, arg);
}

/** The current route, following the address bar. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
