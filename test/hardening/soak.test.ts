import { describe, expect, it } from 'vitest';
import { runSoak, slopePerMinute } from '../../bench/hardening/soak.js';

describe('soak (short run: 5 s; `npm run hardening -- --soak 600` is the 10-minute one)', () => {
  it('slopePerMinute reads a trend', () => {
    expect(slopePerMinute([{ x: 0, y: 0 }, { x: 60_000, y: 10 }])).toBeCloseTo(10);
    expect(slopePerMinute([{ x: 0, y: 5 }, { x: 30_000, y: 5 }, { x: 60_000, y: 5 }])).toBe(0);
  });

  it('HTTP, WebSocket and SSE clients connecting and vanishing leave no connection or handle behind', async () => {
    const report = await runSoak({ seconds: 5, clients: 12, sampleEveryMs: 500, seed: 1 });
    expect(report.crashed).toBe(false);
    expect(report.sessions.http).toBeGreaterThan(0);
    expect(report.sessions.websocket).toBeGreaterThan(0);
    expect(report.sessions.sse).toBeGreaterThan(0);
    expect(report.sessions.failed).toBe(0);
    expect(report.connectionsAfter).toBe(0);
    expect(report.handlesAfter).toBeLessThanOrEqual(report.handlesBefore + 5);
    // Generous: warm-up (JIT, pools) grows RSS in a short run; a leak per session would exceed it.
    expect(report.rssEnd - report.rssStart).toBeLessThan(150 * 1024 * 1024);
  }, 90_000);
});
