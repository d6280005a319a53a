import { describe, expect, it } from 'vitest';
import { runShadowKill } from '../../bench/hardening/shadow-kill.js';

describe('shadow mode with a candidate killed mid-run (short: 100 requests; `npm run hardening -- --shadow 5000` is the long one)', () => {
  it('the primary answers every request, nothing hangs, and every mirrored request is accounted for', async () => {
    const report = await runShadowKill(100, 20261123);
    expect(report.stopped).toBe(true);
    expect(report.clientFailures).toBe(0);
    expect(report.answeredByPrimary).toBe(100);
    expect(report.accountedFor).toBe(100);
    // The requests after the kill cannot be compared: they must show up as lost.
    expect(report.mirror.lost).toBeGreaterThanOrEqual(100 - report.killedAfter - 1);
    expect(report.reportLost).toBeGreaterThan(0);
  }, 90_000);
});
