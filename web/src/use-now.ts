import { useEffect, useState } from 'react';

/** The time, re-rendering every second (for "since" and "waiting" columns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
