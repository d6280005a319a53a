import { describe, expect, it } from 'vitest';
import { bypassPayloads, runMountBypass } from '../../bench/hardening/mount-bypass.js';
import { runCompatLoad } from '../../bench/hardening/compat-load.js';

describe('compat hardening (short run; `npm run hardening -- --compat 10000` is the long one)', () => {
  it('the payload list covers encodings, double encoding, case, dot segments, matrix params and backslashes', () => {
    const list = bypassPayloads('/admin/legacy');
    for (const p of ['//admin/legacy', '/admin;x/legacy', '/%61dmin/legacy', '/ADMIN/LEGACY', '/admin/legacy/', '/admin%2flegacy', '/./admin/legacy', '/%2e/admin/legacy', '/admin/./legacy', '/%2561dmin/legacy', '/\\admin/legacy', '/admin%5clegacy']) {
      expect(list).toContain(p);
    }
  });

  it('no spelling of /admin reaches a guarded runtime or legacy route without the token', async () => {
    const report = await runMountBypass();
    expect(report.bypasses).toEqual([]);
    expect(report.controlsServed).toBe(report.controls);
    expect(report.requests).toBeGreaterThan(300);
    expect(report.byStatus['0'] ?? 0).toBe(0); // every request got an answer
    expect(Object.keys(report.byStatus).every((s) => Number(s) >= 400 && Number(s) < 500)).toBe(true);
  }, 60_000);

  it('2,000 requests mixing legacy and migrated routes: all 2xx, no hang, no socket left open', async () => {
    const report = await runCompatLoad(2_000);
    expect(report.responses).toBe(2_000);
    expect(report.non2xx).toBe(0);
    expect(report.errors).toBe(0);
    expect(report.timeouts).toBe(0);
    expect(report.openConnectionsAfter).toBe(0);
  }, 60_000);
});
