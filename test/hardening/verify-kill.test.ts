import { describe, expect, it } from 'vitest';
import { runBigTraffic, runVerifyKill } from '../../bench/hardening/verify-kill.js';

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

describe('a large traffic file is streamed (short: 64 MiB; `npm run hardening -- --traffic 1024` is the 1 GiB one)', () => {
  it('reads every entry back with memory far below the file size', async () => {
    const mib = 1024 * 1024;
    const report = await runBigTraffic(64 * mib);
    expect(report.entriesWritten).toBeGreaterThan(60_000);
    expect(report.entries).toBe(report.entriesWritten);
    expect(report.malformed).toBe(0);
    // Reading the file whole would hold at least its 64 MiB.
    expect(report.rssPeak - report.rssBefore).toBeLessThan(48 * mib);
  }, 120_000);
});
