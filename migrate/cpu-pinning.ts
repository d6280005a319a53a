/**
 * Pins the bench the way docs/BENCHMARKS.md measures: the two servers on
 * one core, the load generator (autocannon, in this process) on another.
 *
 * Why: unpinned, the scheduler moves the servers, the load generator and
 * the idle secondary between the cores; on a 2-core machine the generator
 * then shares a core with the server it loads for part of each round, and
 * the faster side, which needs the most load, is the one held back most.
 * Pinned, each server has a core to itself while it is measured (the sides
 * take turns: A, B, A, B) and the generator has the other.
 *
 * Linux only, through util-linux's `taskset` (every thread of a process:
 * -a); with fewer than two usable cores, without taskset, or when a process
 * cannot be pinned, nothing is pinned and the bench runs as before. The
 * previous affinity of every process is put back afterwards.
 */
import { spawnSync } from 'node:child_process';

export interface Pinning {
  serverCpu: number;
  loadCpu: number;
  /** Puts back each process's previous affinity (processes gone meanwhile are skipped). */
  restore(): void;
}

/** Pins `serverPids` to one usable core and this process to another; undefined when that cannot be done here. */
export function pinForBench(serverPids: readonly number[]): Pinning | undefined {
  if (process.platform !== 'linux') return undefined;
  const own = affinityOf(process.pid);
  if (own === undefined) return undefined;
  const cpus = parseCpuList(own);
  if (cpus.length < 2) return undefined;
  const [serverCpu, loadCpu] = cpus as [number, number];
  const previous = new Map<number, string>([[process.pid, own]]);
  for (const pid of serverPids) {
    const list = affinityOf(pid);
    if (list === undefined) return undefined;
    previous.set(pid, list);
  }
  const restore = () => {
    for (const [pid, list] of previous) setAffinity(pid, list);
  };
  const pinned = serverPids.every((pid) => setAffinity(pid, String(serverCpu))) && setAffinity(process.pid, String(loadCpu));
  if (!pinned) {
    restore();
    return undefined;
  }
  return { serverCpu, loadCpu, restore };
}

/** A process's CPU list as taskset prints it ("0,1", "0-3,6"), or undefined (no taskset, no such process). */
function affinityOf(pid: number): string | undefined {
  const result = spawnSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return /list:\s*(\S+)/.exec(result.stdout)?.[1];
}

function setAffinity(pid: number, list: string): boolean {
  return spawnSync('taskset', ['-a', '-c', '-p', list, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** "0-2,5" → [0, 1, 2, 5]. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (range === null) return [];
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}
