// The in-process nudge: after a transaction that emitted events commits,
// this process's dispatcher (if it runs one) drains the outbox at once
// instead of waiting for the every-minute schedule. Cheap: a flag and a timer.
type Listener = { nudge(delayMs: number): void; settle(): Promise<void> };

const listeners = new Set<Listener>();
let held = false;

/** The dispatcher registers itself; the returned function unregisters it. */
export function listenForNudges(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Something committed events: dispatch them soon (debounced by the dispatcher). */
export function nudge(delayMs = 5): void {
  if (held) return;
  for (const l of listeners) l.nudge(delayMs);
}

/** A nudge for a commit this code cannot see (a Prisma transaction): late enough to usually follow it. */
export const nudgeSoon = () => nudge(200);

/**
 * Dispatches what is committed now and waits for it (the program cache must
 * be forgotten before an admin's save returns) — at most `waitMs`, so a long
 * backlog never holds a request up; the drain goes on after. Without a
 * dispatcher in this process it returns at once; the schedule delivers
 * within a minute.
 */
export async function settle(waitMs = 2_000): Promise<void> {
  if (held) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
  await Promise.race([Promise.all([...listeners].map((l) => l.settle())), limit]);
  clearTimeout(timer);
}

/** Tests only: this process commits events but never dispatches them on its own (the crash test's first process). */
export function holdNudgesForTest(): void {
  if (process.env.NODE_ENV === 'production') throw new Error('Holding the outbox is refused in production');
  held = true;
}
