/**
 * The named payload list (bench/hardening/payloads.ts), each one sent to a
 * real runtime server and its answer asserted.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formBody, jsonBody, serveStatic, Server, type RunningServer } from '../../runtime/index.js';
import {
  FORM_POLLUTION,
  HEADER_INJECTION,
  JSON_POLLUTION,
  OPEN_REDIRECT_TARGETS,
  QUERY_POLLUTION,
  REDOS_ROUTE_PATTERNS,
  SAFE_REDIRECT_TARGETS,
  SAFE_ROUTE_PATTERNS,
  TRAVERSAL_TARGETS,
  sameOriginRedirect,
} from '../../bench/hardening/payloads.js';
import { rawGet } from '../../bench/hardening/raw-client.js';

/** The vulnerable merge many apps still carry (lodash.merge < 4.17.5 style): it pollutes if a parser leaves a __proto__ or constructor key. */
function naiveMerge(target: any, source: any): any {
  for (const key in source) {
    const value = source[key];
    if (typeof value === 'object' && value !== null) {
      if (typeof target[key] !== 'object' && typeof target[key] !== 'function') target[key] = {};
      naiveMerge(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

function polluted(): boolean {
  const leaked = ({} as any).polluted !== undefined || Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
  delete (Object.prototype as any).polluted; // keep the rest of the suite sane if it ever happens
  return leaked;
}

/** Parse, use the result the safe ways (spread, assign, JSON), then the vulnerable way; report each. */
function check(parsed: unknown): { parsePolluted: boolean; polluted: boolean } {
  const copy = { ...(parsed as object) };
  Object.assign({}, parsed);
  JSON.parse(JSON.stringify(copy));
  const parsePolluted = polluted();
  naiveMerge({}, parsed);
  return { parsePolluted, polluted: polluted() };
}

function buildServer(queryParser: 'simple' | 'extended', staticRoot: string): Server {
  const server = new Server({ queryParser, logErrors: false });
  server.requestMiddleware('/mw', jsonBody(), formBody({ extended: queryParser === 'extended' }));
  server.requestMiddleware(serveStatic(staticRoot, { prefix: '/static' }));
  server.get('/q', (ctx) => ctx.json(check(ctx.query)));
  server.post('/json', async (ctx) => ctx.json(check(await ctx.json())));
  server.post('/form', async (ctx) => ctx.json(check(await ctx.form({ extended: queryParser === 'extended' }))));
  server.post('/mw/body', (ctx) => ctx.json(check(ctx.requestBody)));
  server.get('/redirect', (ctx) => ctx.redirect(String(ctx.query.to)));
  server.get('/safe-redirect', (ctx) => ctx.redirect(sameOriginRedirect(String(ctx.query.to), `http://${ctx.host}`)));
  server.get('/cookie', (ctx) => {
    ctx.setCookie('c', String(ctx.query.v));
    ctx.text('ok');
  });
  server.get('/cookie-name', (ctx) => {
    ctx.setCookie(String(ctx.query.v), 'v');
    ctx.text('ok');
  });
  server.get('/cookie-path', (ctx) => {
    ctx.setCookie('c', 'v', { path: String(ctx.query.v) });
    ctx.text('ok');
  });
  server.get('/header', (ctx) => {
    ctx.setHeader('x-echo', String(ctx.query.v));
    ctx.text('ok');
  });
  return server;
}

let dir: string;
const servers: Record<'simple' | 'extended', RunningServer> = {} as never;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exw-payloads-'));
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
  mkdirSync(join(dir, 'public', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'public', 'index.html'), 'public index');
  writeFileSync(join(dir, 'public', 'sub', 'ok.txt'), 'public ok');
  writeFileSync(join(dir, 'public', '.env'), 'DOT-SECRET');
  writeFileSync(join(dir, 'public', 'sub', '.hidden'), 'DOT-SECRET');
  for (const mode of ['simple', 'extended'] as const) {
    servers[mode] = await buildServer(mode, join(dir, 'public')).listen({ port: 0, host: '127.0.0.1' });
  }
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.close()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Payload cases the runtime does not handle yet, each with its reason: run as
 * `it.fails`, so the test turns red the day it is fixed. Empty today: the
 * extended (qs) parser drops `constructor[prototype]` keys as Express 4 does,
 * and ctx.json() drops `__proto__` keys however they are escaped.
 */
const KNOWN_GAPS = new Set<string>([]);

function caseFor(mode: string, via: string, payload: string) {
  return KNOWN_GAPS.has(`${mode} ${via} ${payload}`) ? it.fails : it;
}

async function postAll(url: string, paths: string[], type: string, body: string): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const path of paths) {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBe(200);
    answers.push(await res.json());
  }
  return answers;
}

describe.each(['simple', 'extended'] as const)('prototype pollution (%s query parser)', (mode) => {
  for (const query of QUERY_POLLUTION) {
    caseFor(mode, 'query', query)(`query ?${query}, through a vulnerable deep merge`, async () => {
      const res = await fetch(`${servers[mode].url}/q?${query}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ polluted: false, parsePolluted: false });
    });
  }

  for (const body of JSON_POLLUTION) {
    caseFor(mode, 'json', body)(`JSON body ${body} (ctx.json() and jsonBody())`, async () => {
      const answers = await postAll(servers[mode].url, ['/json', '/mw/body'], 'application/json', body);
      expect(answers).toEqual([{ polluted: false, parsePolluted: false }, { polluted: false, parsePolluted: false }]);
    });
  }

  for (const body of FORM_POLLUTION) {
    caseFor(mode, 'form', body)(`form body ${body} (ctx.form() and formBody())`, async () => {
      const answers = await postAll(servers[mode].url, ['/form', '/mw/body'], 'application/x-www-form-urlencoded', body);
      expect(answers).toEqual([{ polluted: false, parsePolluted: false }, { polluted: false, parsePolluted: false }]);
    });
  }

  it.each([...QUERY_POLLUTION])('parsing alone (and spread/assign) never pollutes: ?%s', async (query) => {
    const res = await fetch(`${servers[mode].url}/q?${query}`);
    expect(((await res.json()) as { parsePolluted: boolean }).parsePolluted).toBe(false);
  });
});

describe('the pollution check can fail', () => {
  it('naiveMerge does pollute when handed an own __proto__ key', () => {
    naiveMerge({}, JSON.parse('{"__proto__":{"polluted":"yes"}}'));
    expect(polluted()).toBe(true);
    expect(polluted()).toBe(false);
  });
});

describe('static path traversal (serveStatic)', () => {
  it('serves a file inside the root (control)', async () => {
    const res = await rawGet(servers.simple.port, '/static/sub/ok.txt');
    expect(res?.status).toBe(200);
    expect(res?.body).toBe('public ok');
  });

  it.each(TRAVERSAL_TARGETS)('%s never leaves the root', async (target) => {
    for (const prefixed of [target, `/static${target}`]) {
      const res = await rawGet(servers.simple.port, prefixed);
      expect(res).not.toBeNull();
      expect(res!.body).not.toContain('SECRET');
      expect(res!.status).toBeGreaterThanOrEqual(400);
      expect(res!.status).toBeLessThan(500);
    }
  });
});

describe('header injection (CRLF) through redirect, cookies and headers', () => {
  const routes = ['/redirect?to=', '/cookie?v=', '/cookie-name?v=', '/cookie-path?v=', '/header?v='];
  it.each(HEADER_INJECTION)('%j adds no header and splits no response', async (payload) => {
    for (const route of routes) {
      const res = await rawGet(servers.simple.port, `${route}${encodeURIComponent(payload)}`);
      expect(res).not.toBeNull();
      const names = res!.headers.map(([name]) => name);
      expect(names).not.toContain('set-cookie: injected=1');
      expect(res!.headers.filter(([name, value]) => name === 'set-cookie' && value.startsWith('injected'))).toEqual([]);
      expect(res!.headers.every(([, value]) => !/[\r\n\0]/.test(value))).toBe(true);
      // Either refused (a 500 from the thrown coded error, no stack) or sent with the value encoded.
      expect([200, 302, 500]).toContain(res!.status);
      if (res!.status === 500) expect(res!.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});

describe('open redirect through ctx.redirect() (documented: validate user targets)', () => {
  it.each(OPEN_REDIRECT_TARGETS)('ctx.redirect(%j) redirects as told: the runtime does not judge targets', async (target) => {
    const res = await rawGet(servers.simple.port, `/redirect?to=${encodeURIComponent(target)}`);
    expect(res?.status).toBe(302);
    expect(res!.headers.find(([name]) => name === 'location')).toBeDefined();
  });

  it.each(OPEN_REDIRECT_TARGETS)('sameOriginRedirect(%j) keeps the redirect on the site', async (target) => {
    const res = await rawGet(servers.simple.port, `/safe-redirect?to=${encodeURIComponent(target)}`);
    expect(res?.status).toBe(302);
    const location = res!.headers.find(([name]) => name === 'location')![1];
    expect(new URL(location, servers.simple.url).origin).toBe(servers.simple.url);
  });

  it.each(SAFE_REDIRECT_TARGETS)('sameOriginRedirect(%j) keeps a same-site target', (target) => {
    expect(sameOriginRedirect(target, 'http://app.example')).not.toBe('/');
  });
});

describe('ReDoS in user regex routes', () => {
  function warningsFor(pattern: string): string[] {
    const codes: string[] = [];
    const original = process.emitWarning;
    process.emitWarning = ((_message: string, options?: { code?: string }) => {
      if (options?.code) codes.push(options.code);
    }) as typeof process.emitWarning;
    try {
      new Server().get(pattern, (ctx) => ctx.text('x'));
    } finally {
      process.emitWarning = original;
    }
    return codes;
  }

  it.each(REDOS_ROUTE_PATTERNS)('%s warns EXW_WARN_ROUTE_REDOS at registration', (pattern) => {
    expect(warningsFor(pattern)).toContain('EXW_WARN_ROUTE_REDOS');
  });

  it.each(SAFE_ROUTE_PATTERNS)('%s registers without a warning', (pattern) => {
    expect(warningsFor(pattern)).toEqual([]);
  });
});
