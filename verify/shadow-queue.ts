/**
 * The mirror queue: jobs wait here for one of `concurrency` workers. When
 * `capacity` jobs are already waiting, a new one is dropped and counted
 * rather than held: the proxy's memory stays bounded however slow the
 * candidate is, and the client's answer never waits for the mirror.
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
}

export function createMirrorQueue<T>(options: { capacity: number; concurrency: number; run: (job: T) => Promise<void> }): MirrorQueue<T> {
  const waiting: T[] = [];
  // A head index instead of shift(): shift is O(n) on large arrays.
  let head = 0;
  let running = 0;
  let dropped = 0;
  let closed = false;
  let idle: (() => void) | undefined;

  const size = () => waiting.length - head;

  const take = (): T | undefined => {
    if (head >= waiting.length) return undefined;
    const job = waiting[head]!;
    waiting[head++] = undefined as T;
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    return job;
  };

  const pump = () => {
    while (running < options.concurrency && size() > 0) {
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
      pump();
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
      if (running === 0 && size() === 0) return Promise.resolve([]);
      return new Promise<T[]>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          idle = undefined;
          const left = waiting.slice(head);
          waiting.length = 0;
          head = 0;
          resolve(left);
        };
        const timer = setTimeout(finish, timeoutMs);
        idle = finish;
      });
    },
    close() {
      closed = true;
    },
  };
}
