/**
 * The mirror queue: jobs wait here for one of `concurrency` workers. When
 * `capacity` jobs are already waiting, a new one is dropped and counted
 * rather than held: the proxy's memory stays bounded however slow the
 * candidate is, and the client's answer never waits for the mirror. Jobs
 * start in a later turn of the event loop (setImmediate), never in the turn
 * that answers the client.
 */

export interface MirrorQueue<T> {
  /** Queues a job; false (and one more drop) when the queue is full or closed. */
  push(job: T): boolean;
  readonly waiting: number;
  readonly running: number;
  readonly dropped: number;
  /** Resolves when nothing waits or runs, or after `timeoutMs`; returns the jobs still waiting, removed from the queue. */
  drain(timeoutMs: number): Promise<T[]>;
  close(): void;
  /** Removes every waiting job (running ones go on) and returns them: for a candidate that stopped answering. */
  clear(): T[];
  /** Tells a yielding queue that clients may have stopped being busy: starts waiting jobs if so. */
  kick(): void;
}

export interface MirrorQueueOptions<T> {
  capacity: number;
  concurrency: number;
  run: (job: T) => Promise<void>;
  /**
   * Makes the mirror yield to clients: while `busy()` is true, no job starts,
   * unless the oldest has waited `maxWaitMs` or the queue is half full (so a
   * proxy that is never idle still mirrors). Clients tend to come in bursts;
   * mirroring between them keeps the mirror's CPU (and the candidate's, when
   * it shares the core) out of their latency.
   */
  yieldTo?: { busy: () => boolean; maxWaitMs: number };
}

export function createMirrorQueue<T>(options: MirrorQueueOptions<T>): MirrorQueue<T> {
  const waiting: T[] = [];
  /** When each waiting job was queued (performance.now()), parallel to `waiting`. */
  const queuedAt: number[] = [];
  // A head index instead of shift(): shift is O(n) on large arrays.
  let head = 0;
  let running = 0;
  let dropped = 0;
  let closed = false;
  let idle: (() => void) | undefined;
  let pumpScheduled = false;

  const size = () => waiting.length - head;

  const take = (): T | undefined => {
    if (head >= waiting.length) return undefined;
    const job = waiting[head]!;
    waiting[head++] = undefined as T;
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      queuedAt.splice(0, head);
      head = 0;
    }
    return job;
  };

  /** Empties the queue, returning the jobs that were waiting. */
  const takeAll = (): T[] => {
    const left = waiting.slice(head);
    waiting.length = 0;
    queuedAt.length = 0;
    head = 0;
    return left;
  };

  let retry: NodeJS.Timeout | undefined;
  /** False while clients are busy and no job has waited too long; then retries when the oldest job is due. */
  const mayStart = (): boolean => {
    const y = options.yieldTo;
    if (!y || closed || !y.busy() || size() * 2 >= options.capacity) return true;
    const waited = performance.now() - queuedAt[head]!;
    if (waited >= y.maxWaitMs) return true;
    if (!retry) {
      retry = setTimeout(() => {
        retry = undefined;
        pump();
      }, y.maxWaitMs - waited + 1);
      retry.unref();
    }
    return false;
  };

  const pump = () => {
    while (running < options.concurrency && size() > 0 && mayStart()) {
      const job = take()!;
      running++;
      options
        .run(job)
        .catch(() => {
          // run() reports its own failures; a throw here must not stop the queue.
        })
        .finally(() => {
          running--;
          if (running === 0 && size() === 0) idle?.();
          pump();
        });
    }
  };

  return {
    push(job) {
      if (closed || size() >= options.capacity) {
        dropped++;
        return false;
      }
      waiting.push(job);
      queuedAt[waiting.length - 1] = performance.now();
      // Started after the current I/O callbacks: the client's answer is flushed and
      // requests already read are served before the mirror spends CPU on this job.
      if (!pumpScheduled) {
        pumpScheduled = true;
        setImmediate(() => {
          pumpScheduled = false;
          pump();
        });
      }
      return true;
    },
    get waiting() {
      return size();
    },
    get running() {
      return running;
    },
    get dropped() {
      return dropped;
    },
    drain(timeoutMs) {
      closed = true;
      pump(); // jobs held back for busy clients start now
      if (running === 0 && size() === 0) return Promise.resolve([]);
      return new Promise<T[]>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          idle = undefined;
          clearTimeout(retry);
          resolve(takeAll());
        };
        const timer = setTimeout(finish, timeoutMs);
        idle = finish;
      });
    },
    close() {
      closed = true;
      clearTimeout(retry);
    },
    clear: takeAll,
    kick() {
      // Every client answer kicks: with all workers busy (a slow candidate) there is nothing to start.
      if (size() > 0 && running < options.concurrency && !pumpScheduled) {
        pumpScheduled = true;
        setImmediate(() => {
          pumpScheduled = false;
          pump();
        });
      }
    },
  };
}
