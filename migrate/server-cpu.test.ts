import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuProbeForPid, pidForPort } from './server-cpu.js';

describe.runIf(process.platform === 'linux')('pidForPort and cpuProbeForPid (Linux /proc)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('finds the process listening on the port and reads its CPU time as it grows', async () => {
    server = createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(pidForPort(port)).toBe(process.pid);
    const probe = cpuProbeForPid(pidForPort(port)!);
    const before = probe()!;
    expect(before).toBeGreaterThan(0); // this test process has used CPU already: the probe reads our own pid
    const until = process.cpuUsage().user + 200_000;
    while (process.cpuUsage().user < until) Math.sqrt(Math.random()); // 200 ms of CPU
    expect(probe()! - before).toBeGreaterThanOrEqual(100);
  });

  it('finds no process for a port nobody listens on', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(pidForPort(port)).toBeUndefined();
  });

  it('reads nothing once the process is gone', () => {
    expect(cpuProbeForPid(2 ** 22 + 1)()).toBeUndefined(); // above the kernel's pid_max
  });
});
