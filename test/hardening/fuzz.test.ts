import { describe, expect, it } from 'vitest';
import { generateCase } from '../../bench/hardening/fuzz-generator.js';
import { classify, sendRaw } from '../../bench/hardening/raw-client.js';
import { runFuzz } from '../../bench/hardening/fuzz.js';
import { startTarget } from '../../bench/hardening/spawn-target.js';

describe('HTTP fuzzing over raw sockets (short run; `npm run hardening -- --fuzz 100000` is the long one)', () => {
  it('the generator is reproducible from the seed', () => {
    for (const index of [0, 1, 77, 1999]) {
      expect(generateCase(7, index).bytes.equals(generateCase(7, index).bytes)).toBe(true);
    }
    expect(generateCase(7, 3).bytes.equals(generateCase(8, 3).bytes)).toBe(false);
  });

  it('classifies a 5xx anywhere, and silence at the deadline, as failures', () => {
    expect(classify([200, 500], false)).toBe('server-error-5xx');
    expect(classify([], true)).toBe('hang');
    expect(classify([], false)).toBe('closed-without-answer');
    expect(classify([400], false)).toBe('client-error-4xx');
  });

  it('detects a server that never answers as a hang', async () => {
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const result = await sendRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'), { port, timeoutMs: 300 });
      expect(result.outcome).toBe('hang');
    } finally {
      silent.close();
    }
  });

  it('2,000 hostile requests: no crash, no 5xx, no hang, and normal traffic still served', async () => {
    const report = await runFuzz({ count: 2_000, seed: 20261123, concurrency: 64 });
    expect(report.crashDetail).toBeNull();
    expect(report.crashes).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.byOutcome['server-error-5xx']).toBe(0);
    expect(report.byOutcome.hang).toBe(0);
    expect(report.byOutcome['other-status']).toBe(0);
    // Most cases are malformed: the bulk must be refused with a 4xx.
    expect(report.byOutcome['client-error-4xx']).toBeGreaterThan(report.count / 2);
    expect(report.healthyAfter).toBe(report.healthChecks);
  }, 120_000);

  it('the target child process is really watched: a killed child is reported as not alive', async () => {
    const target = await startTarget();
    target.child.kill('SIGKILL');
    await new Promise((r) => target.child.once('exit', r));
    expect(target.alive()).toBe(false);
  });
});
