import { describe, expect, it } from 'vitest';
import { runVerifyKill } from '../../bench/hardening/verify-kill.js';

describe('verify with the candidate killed mid-replay (short: 200 requests; `npm run hardening -- --verify 5000` is the long one)', () => {
  it('returns, and counts every request as compared, lost or skipped', async () => {
    const report = await runVerifyKill(200, 20261123);
    expect(report.returned).toBe(true);
    expect(report.totals.requests).toBe(200);
    expect(report.accountedFor).toBe(200);
    // Requests replayed after the kill cannot be compared.
    expect(report.totals.lost).toBeGreaterThan(0);
    expect(report.lostListed).toBe(report.totals.lost);
  }, 90_000);
});
