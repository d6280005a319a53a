import { describe, expect, it } from 'vitest';
import { renderTerminal } from './report-terminal.js';
import { buildReport } from './__testfixtures__/report-fixture.js';
import { finaliseReport } from './report-model.js';

const ESC = '\u001b';

describe('renderTerminal', () => {
  it('shows the ledger with verdicts, the totals, differences and the outcome', () => {
    const out = renderTerminal(buildReport(), { colour: false });
    expect(out).not.toContain(ESC);
    const row = (route: string) => out.split('\n').find((l) => l.includes(route))!;
    expect(row('GET /users/{id}')).toMatch(/│\s+40 │\s+40 │ 100\.00% │.*│\s+1\.12x │.*ready/);
    expect(row('GET /products ')).toMatch(/88\.88%.*│ 2 \(2 cand\.\) │.*0\.80x.*not ready/);
    expect(row('POST /orders')).toMatch(/│\s+5 │\s+0 │\s+- │.*not covered/);
    expect(row('all (4 routes)')).toMatch(/68 │\s+59 │\s+94\.91%.*1 ready, 2 not, 1 uncovered/);
    expect(out).toContain('/body/items/0/price  19.99 -> 21.5');
    expect(out).toContain('lost comparisons: 1 candidate timeout, 1 candidate connection');
    expect(out).toMatch(/FAIL\n\s+- the candidate failed to answer 2 request\(s\) the baseline answered\n\s+- parity 94\.91% is below the minimum 100%/);
  });

  it('colours only when asked (a terminal without NO_COLOR)', () => {
    expect(renderTerminal(buildReport(), { colour: true })).toContain(`${ESC}[`);
    // Under the test runner stdout is not a terminal: the default is plain text.
    expect(renderTerminal(buildReport())).not.toContain(ESC);
  });

  it('strips control characters from traffic values so they cannot drive the terminal', () => {
    const report = buildReport();
    report.routes[0]!.route = `GET /x${ESC}[2J${ESC}]0;pwned\u0007`;
    report.differences[0]!.path = `/body/${ESC}[31mred`;
    const out = renderTerminal(report, { colour: false });
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u0007');
    expect(out).toContain('GET /x\uFFFD[2J');
  });

  it('says PASS on a passing report and lists no differences', () => {
    const report = buildReport({ differences: [], lost: [], trafficErrors: [] });
    report.routes = report.routes.filter((r) => r.route === 'GET /users/{id}');
    finaliseReport(report);
    const out = renderTerminal(report, { colour: false });
    expect(out).toContain('PASS parity 100%');
    expect(out).not.toContain('Differences');
  });
});
