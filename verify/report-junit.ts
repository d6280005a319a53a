/**
 * The verify report as JUnit XML for CI: one testsuite per route. Each route
 * has a `parity` testcase (and a `qps ratio` one when the bench ran), one
 * failing testcase per request with differences, and skipped testcases for
 * lost comparisons and requests not replayed. Run-wide problems (target
 * errors, malformed traffic) go to a final `expressway` suite as errors.
 */
import type { Difference, Report, RouteLedger } from './report-model.js';

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
  skipped?: string;
}

export function renderJunit(report: Report): string {
  const suites = report.routes.map((route) => routeSuite(route, report));
  suites.push(runSuite(report));
  const count = (pick: (c: Case) => boolean) => suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="expressway verify" tests="${tests}" failures="${count((c) => !!c.failure)}" errors="${count((c) => !!c.error)}" ` +
      `skipped="${count((c) => c.skipped !== undefined)}" time="${seconds(report.durationMs)}">`,
  );
  for (const suite of suites) out.push(renderSuite(suite.name, suite.cases, suite.properties, report));
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function routeSuite(route: RouteLedger, report: Report): { name: string; cases: Case[]; properties: Array<[string, string]> } {
  const cls = route.route;
  const cases: Case[] = [];
  const { minParity, minQpsRatio } = report.thresholds;
  const candidateFailures = route.candidateFailures ?? 0;
  if (route.compared === 0 && candidateFailures === 0) {
    cases.push({ name: 'parity', classname: cls, skipped: `not covered: no request of this route was compared (${route.skipped} skipped, ${route.lost} lost)` });
  } else if (route.compared > 0 && route.parity < minParity) {
    cases.push({
      name: 'parity',
      classname: cls,
      failure: {
        type: 'parity',
        message: `parity ${route.parity}% is below the minimum ${minParity}% (${route.matched}/${route.compared} matched)`,
        body: `${route.compared - route.matched} request(s) differ beyond noise`,
      },
    });
  } else cases.push({ name: 'parity', classname: cls });
  if (candidateFailures > 0) {
    cases.push({
      name: 'candidate failures',
      classname: cls,
      failure: {
        type: 'candidate-failure',
        message: `the candidate failed ${candidateFailures} request(s) the baseline answered (timeouts, resets)`,
        body: report.lost
          .filter((l) => l.route === route.route && l.side === 'candidate')
          .map((l) => `${requestName(l.request)}: ${l.reason}: ${l.message}`)
          .join('\n'),
      },
    });
  }
  if (route.qpsRatio !== undefined) {
    const failing = minQpsRatio !== undefined && route.qpsRatio < minQpsRatio;
    cases.push({
      name: 'qps ratio',
      classname: cls,
      ...(failing ? { failure: { type: 'qps-ratio', message: `QPS ratio ${route.qpsRatio} is below the minimum ${minQpsRatio}`, body: latencyText(route) } } : {}),
    });
  }
  for (const [key, diffs] of byRequest(report.differences.filter((d) => d.route === route.route))) {
    cases.push({
      name: key,
      classname: cls,
      failure: {
        type: 'regression',
        message: `${diffs.length} difference(s): ${diffs.map((d) => `${d.kind} at ${d.path}`).join(', ')}`,
        body: diffs.map(describeDifference).join('\n'),
      },
    });
  }
  for (const l of report.lost.filter((x) => x.route === route.route)) {
    cases.push({ name: requestName(l.request), classname: cls, skipped: `lost (${l.side} ${l.reason}): ${l.message}` });
  }
  for (const s of report.skipped.filter((x) => x.route === route.route)) {
    cases.push({ name: requestName(s.request), classname: cls, skipped: 'not replayed: non-idempotent method without --allow-writes' });
  }
  const properties: Array<[string, string]> = [
    ['samples', String(route.samples)],
    ['compared', String(route.compared)],
    ['matched', String(route.matched)],
    ['parity', String(route.parity)],
    ['verdict', route.verdict],
    ['noiseFields', route.noiseFields.join(', ')],
  ];
  if (route.qpsRatio !== undefined) properties.push(['qpsRatio', String(route.qpsRatio)]);
  if (route.candidateFailures !== undefined) properties.push(['candidateFailures', String(route.candidateFailures)]);
  return { name: route.route, cases, properties };
}

function runSuite(report: Report): { name: string; cases: Case[]; properties: Array<[string, string]> } {
  const cls = 'expressway';
  const cases: Case[] = [];
  for (const e of report.targetErrors) {
    cases.push({ name: `${e.side} target`, classname: cls, error: { type: 'target', message: e.message, body: e.log ? `log: ${e.log}` : '' } });
  }
  for (const e of report.trafficErrors) {
    cases.push({ name: `traffic line ${e.line}`, classname: cls, error: { type: 'traffic', message: e.message, body: '' } });
  }
  cases.push(
    report.outcome === 'pass'
      ? { name: 'outcome', classname: cls }
      : { name: 'outcome', classname: cls, failure: { type: 'outcome', message: report.failures.join('; '), body: report.failures.join('\n') } },
  );
  return {
    name: 'expressway',
    cases,
    properties: [
      ['baseline', report.baseline.target],
      ['candidate', report.candidate.target],
      ['traffic', report.traffic.source],
      ['parity', String(report.totals.parity)],
      ['minParity', String(report.thresholds.minParity)],
    ],
  };
}

function byRequest(diffs: Difference[]): Map<string, Difference[]> {
  const map = new Map<string, Difference[]>();
  for (const d of diffs) {
    const key = requestName(d.request);
    const list = map.get(key);
    if (list) list.push(d);
    else map.set(key, [d]);
  }
  return map;
}

function requestName(r: { id: string; method: string; url: string }): string {
  return `${r.method} ${r.url} [${r.id}]`;
}

function describeDifference(d: Difference): string {
  const v = (x: unknown) => (x === undefined ? '(absent)' : JSON.stringify(x));
  const line = `${d.kind} ${d.path}: primary ${v(d.primary)} / candidate ${v(d.candidate)}`;
  return d.textDiff ? `${line}\n${d.textDiff}` : line;
}

function latencyText(route: RouteLedger): string {
  if (!route.latency) return '';
  const { baseline: b, candidate: c } = route.latency;
  return `baseline ${b.rps} req/s p50 ${b.p50} p95 ${b.p95} p99 ${b.p99} ms; candidate ${c.rps} req/s p50 ${c.p50} p95 ${c.p95} p99 ${c.p99} ms`;
}

function renderSuite(name: string, cases: Case[], properties: Array<[string, string]>, report: Report): string {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const out: string[] = [
    `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0" timestamp="${attr(report.startedAt)}">`,
    '    <properties>',
    ...properties.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="0"`;
    if (c.failure) out.push(`${open}>`, `      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${text(c.failure.body)}</failure>`, '    </testcase>');
    else if (c.error) out.push(`${open}>`, `      <error message="${attr(c.error.message)}" type="${attr(c.error.type)}">${text(c.error.body)}</error>`, '    </testcase>');
    else if (c.skipped !== undefined) out.push(`${open}>`, `      <skipped message="${attr(c.skipped)}"/>`, '    </testcase>');
    else out.push(`${open}/>`);
  }
  out.push('  </testsuite>');
  return out.join('\n');
}

/** Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/FFFF) become U+FFFD. */
function xmlSafe(value: string): string {
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}

function text(value: string): string {
  return xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  // Newlines and tabs in attributes would be normalised to spaces by parsers; keep them as character references.
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
