import { describe, expect, it } from 'vitest';
import { renderJunit } from './report-junit.js';
import { buildReport, HOSTILE_BODY, HOSTILE_ROUTE } from './__testfixtures__/report-fixture.js';

function suites(xml: string): Array<{ name: string; attrs: string; body: string }> {
  return [...xml.matchAll(/<testsuite name="([^"]*)"([^>]*)>([\s\S]*?)<\/testsuite>/g)].map((m) => ({ name: m[1]!, attrs: m[2]!, body: m[3]! }));
}

describe('renderJunit', () => {
  it('writes one testsuite per route plus a run suite, with failures for regressions', () => {
    const xml = renderJunit(buildReport());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const all = suites(xml);
    expect(all.map((s) => s.name)).toEqual(['GET /users/{id}', 'GET /products', 'GET /search/&lt;b&gt;{q}&lt;/b&gt;', 'POST /orders', 'expressway']);
    const products = all[1]!;
    expect(products.attrs).toContain('failures="5"'); // parity, candidate failures, qps ratio, 2 differing requests
    expect(products.body).toContain('<testcase name="candidate failures"');
    expect(products.body).toContain('<testcase name="GET /products?page=3 [r-8]"');
    expect(products.body).toContain('type="regression"');
    expect(products.body).toMatch(/<skipped message="lost \(candidate timeout\)/);
    expect(all[0]!.attrs).toContain('failures="0"');
    expect(all[3]!.body).toContain('<skipped message="not covered');
    expect(all[4]!.body).toContain('<error message="invalid JSON');
    expect(xml).toMatch(/<testsuites name="expressway verify" tests="\d+" failures="8" errors="1" skipped="8"/);
  });

  it('escapes hostile strings and drops characters XML cannot hold', () => {
    const report = buildReport();
    report.differences[0]!.primary = 'bell\u0007 and \ud800 lone';
    const xml = renderJunit(report);
    expect(xml).not.toContain('</script>');
    expect(xml).not.toContain(HOSTILE_ROUTE);
    expect(xml).toContain('&lt;/script&gt;&lt;script&gt;');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toContain('\ud800');
    expect(HOSTILE_BODY).toContain('</script>');
  });
});
