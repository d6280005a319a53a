import { describe, expect, it } from 'vitest';
import { runShutdownUnderLoad } from '../../bench/hardening/shutdown-under-load.js';

describe('graceful shutdown under autocannon load (short run; `npm run hardening -- --shutdown 10` is the long one)', () => {
  it('answers every in-flight request, refuses new connections, and fails nothing before close', async () => {
    const report = await runShutdownUnderLoad({ loadSeconds: 1, connections: 20, requestMs: 300 });
    expect(report.crashed).toBe(false);
    expect(report.inFlightAtClose).toBeGreaterThan(0);
    expect(report.responsesAborted).toBe(0);
    expect(report.responsesFinished).toBe(report.requestsStarted);
    expect(report.non2xx).toBe(0);
    expect(report.errorsBeforeClose).toEqual({});
    expect(report.responses2xxAfterCloseBegan).toBeGreaterThan(0);
    // After close began: refused reconnects, and resets of requests autocannon wrote on sockets
    // the server was closing after a `Connection: close` answer (never started server-side).
    for (const code of Object.keys(report.errorsAfterCloseBegan)) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(code);
    expect(report.newConnectionDuringDrain).toBe('ECONNREFUSED');
  }, 90_000);
});
