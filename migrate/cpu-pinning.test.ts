import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCpuList, pinForBench } from './cpu-pinning.js';

describe('parseCpuList', () => {
  it('reads taskset lists: single CPUs, ranges, both', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0,1')).toEqual([0, 1]);
    expect(parseCpuList('0-3,6')).toEqual([0, 1, 2, 3, 6]);
  });

  it('gives nothing for a list it cannot read, so nothing is pinned', () => {
    expect(parseCpuList('0-7:2')).toEqual([]);
    expect(parseCpuList('')).toEqual([]);
  });
});

/** Every thread's allowed CPUs, from /proc (what taskset -a set). */
function threadCpus(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))![1]!);
}

const ownList = () => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
const canPin =
  process.platform === 'linux' && spawnSync('taskset', ['-c', '-p', String(process.pid)]).status === 0 && parseCpuList(ownList()).length >= 2;

describe.runIf(canPin)('pinForBench (Linux, taskset, two cores)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  it('puts every thread of the servers on one core and this process on another, then restores both', async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child!.once('spawn', resolve));
    const pid = child.pid!;
    const before = { own: threadCpus(process.pid), server: threadCpus(pid) };
    const [first, second] = parseCpuList(ownList());

    const pinning = pinForBench([pid]);
    expect(pinning).toBeDefined();
    expect(pinning!.serverCpu).toBe(first);
    expect(pinning!.loadCpu).toBe(second);
    expect(new Set(threadCpus(pid))).toEqual(new Set([String(first)]));
    expect(new Set(threadCpus(process.pid))).toEqual(new Set([String(second)]));

    pinning!.restore();
    // Sets: a process may start or end threads meanwhile (the test runner's, node's).
    expect(new Set(threadCpus(pid))).toEqual(new Set(before.server));
    expect(new Set(threadCpus(process.pid))).toEqual(new Set(before.own));
  });

  it('pins nothing when a server process is gone', () => {
    const own = new Set(threadCpus(process.pid));
    expect(pinForBench([2 ** 22 + 1])).toBeUndefined();
    expect(new Set(threadCpus(process.pid))).toEqual(own);
  });
});
