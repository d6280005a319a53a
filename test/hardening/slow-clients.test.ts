import { describe, expect, it } from 'vitest';
import { runBackpressure, runSlowClients } from '../../bench/hardening/slow-clients.js';

describe('slow clients (short run; `npm run hardening -- --slow` is the long one)', () => {
  it('slowloris headers and slow bodies are ended by the server (408 or close) and normal traffic is served meanwhile', async () => {
    const report = await runSlowClients({ clients: 5, headersTimeout: 500, requestTimeout: 1_000 });
    expect(report.crashed).toBe(false);
    expect(report.slowloris.closedByServer).toBe(5);
    expect(report.slowloris.answered408).toBe(5);
    expect(report.slowBody.closedByServer).toBe(5);
    expect(report.servedDuring).toBe(5);
    expect(report.servedAfter).toBe(5);
  }, 60_000);

  it('readers that never read a large answer do not grow server memory with the answer size', async () => {
    const mib = 1024 * 1024;
    const report = await runBackpressure({ clients: 4, bytesPerClient: 128 * mib, stallMs: 1_000 });
    expect(report.crashed).toBe(false);
    expect(report.openConnectionsStalled).toBe(4);
    // 512 MiB requested; buffered server-side must stay far below a single answer.
    expect(report.rssGrowth).toBeLessThan(64 * mib);
    expect(report.openConnectionsAfter).toBe(0);
  }, 60_000);
});
