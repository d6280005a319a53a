import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMirrorQueue } from './shadow-queue.js';

describe('mirror queue yielding to clients', () => {
  it('holds jobs while clients are busy and starts them on kick once idle', async () => {
    let busy = true;
    const ran: number[] = [];
    const queue = createMirrorQueue<number>({
      capacity: 100,
      concurrency: 4,
      run: async (n) => void ran.push(n),
      yieldTo: { busy: () => busy, maxWaitMs: 60_000 },
    });
    expect(queue.push(1)).toBe(true);
    expect(queue.push(2)).toBe(true);
    await sleep(20);
    expect(ran).toEqual([]);
    expect(queue.waiting).toBe(2);
    busy = false;
    queue.kick();
    await sleep(20);
    expect(ran).toEqual([1, 2]);
    queue.close();
  });

  it('starts a job that waited maxWaitMs even while clients stay busy', async () => {
    const ran: string[] = [];
    const queue = createMirrorQueue<string>({ capacity: 100, concurrency: 1, run: async (j) => void ran.push(j), yieldTo: { busy: () => true, maxWaitMs: 30 } });
    queue.push('late');
    await sleep(5);
    expect(ran).toEqual([]);
    await sleep(120);
    expect(ran).toEqual(['late']);
    queue.close();
  });

  it('starts held jobs when the queue is half full, and when draining', async () => {
    const ran: number[] = [];
    const queue = createMirrorQueue<number>({ capacity: 4, concurrency: 8, run: async (n) => void ran.push(n), yieldTo: { busy: () => true, maxWaitMs: 60_000 } });
    queue.push(1);
    await sleep(10);
    expect(ran).toEqual([]);
    queue.push(2);
    await sleep(10);
    // Half full (2 of 4): jobs start until it is below half again.
    expect(ran).toEqual([1]);
    expect(queue.waiting).toBe(1);
    queue.push(3);
    await sleep(10);
    expect(ran).toEqual([1, 2]);
    expect(await queue.drain(1000)).toEqual([]);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('clear() hands back the waiting jobs and leaves running ones alone', async () => {
    const ran: number[] = [];
    let release: () => void = () => {};
    const queue = createMirrorQueue<number>({
      capacity: 10,
      concurrency: 1,
      run: (n) => {
        ran.push(n);
        return new Promise<void>((r) => (release = r));
      },
    });
    for (const n of [1, 2, 3]) queue.push(n);
    await sleep(10);
    expect(ran).toEqual([1]);
    expect(queue.clear()).toEqual([2, 3]);
    expect(queue.waiting).toBe(0);
    expect(queue.running).toBe(1);
    release();
    queue.push(4);
    await sleep(10);
    expect(ran).toEqual([1, 4]);
    release();
    expect(await queue.drain(1000)).toEqual([]);
  });
});
