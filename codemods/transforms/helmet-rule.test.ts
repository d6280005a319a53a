/**
 * The helmet pairs served side by side: the Express input and its migrated
 * output (fixedHeaders(helmet()), legacy apps with or without
 * disable('x-powered-by')) send the same header lines, names as spelled and
 * in order: every one but Date on answers Express still writes (legacy
 * routes, Express's 404 page); helmet's and X-Powered-By on the runtime's
 * own answers, whose Content-Type/ETag are the runtime's.
 *
 * Needs the built runtime (dist/), as the migrated code requires
 * 'expressway/runtime' like a user's app does; `npm test` builds first.
 */
import { createServer, request, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repo, 'codemods/transforms/__testfixtures__');

/** CommonJS source loaded as if it lived in the repo, so express, helmet and expressway resolve. */
function load(source: string, name: string): RequestListener {
  const filename = join(repo, 'codemods/transforms', `.helmet-${name}`);
  const m = new Module(filename) as Module & { _compile(code: string, file: string): void; paths: string[] };
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(repo, 'codemods/transforms'));
  m._compile(source, filename);
  return m.exports as RequestListener;
}

const servers: HttpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** What the runtime writes itself on its own answers (the route's body, not helmet's). */
const RUNTIME_OWN = new Set(['content-type', 'content-length', 'etag']);

async function lines(port: number, method: string, path: string, native: boolean): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const out: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          if (name.toLowerCase() === 'date' || (native && RUNTIME_OWN.has(name.toLowerCase()))) continue;
          out.push(`${name}: ${res.rawHeaders[i + 1]}`);
        }
        resolve({ status: res.statusCode ?? 0, lines: out });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

type Probe = { method?: string; path: string; native?: boolean; anyOrder?: boolean; withoutPoweredBy?: boolean };

const cases: Record<string, Probe[]> = {
  // helmet first: no answer carries X-Powered-By, Express's 404 page included.
  'helmet-default-cjs': [{ path: '/health', native: true }, { path: '/nowhere' }, { method: 'POST', path: '/health' }],
  // A legacy route before helmet keeps X-Powered-By and gets no helmet headers; the 404 page after it has them.
  'helmet-after-route-powered-by-kept': [{ path: '/padded' }, { path: '/ok', native: true }, { path: '/nowhere' }],
  // xPoweredBy: false: Express set it before helmet, the legacy app after: the same lines, that one elsewhere.
  // The runtime's own answers never carry X-Powered-By (docs/codemod-rules.md, settings): not helmet's doing.
  'helmet-powered-by-option-kept': [{ path: '/ok', native: true, withoutPoweredBy: true }, { path: '/padded', anyOrder: true }, { path: '/nowhere', anyOrder: true }],
  'helmet-path-scoped-powered-by-kept': [{ path: '/admin/panel', native: true }, { path: '/padded' }, { path: '/nowhere' }],
};

describe('helmet pairs answer like their Express originals', () => {
  beforeAll(() => {
    if (!existsSync(join(repo, 'dist/runtime/index.js'))) throw new Error('build first (npm run build): the migrated code requires expressway/runtime from dist/');
  });
  for (const [pair, probes] of Object.entries(cases)) {
    it(pair, async () => {
      const original = await listen(load(readFileSync(join(fixtures, `${pair}.input.js`), 'utf8'), `${pair}-in.cjs`));
      const migrated = await listen(load(readFileSync(join(fixtures, `${pair}.output.js`), 'utf8'), `${pair}-out.cjs`));
      for (const p of probes) {
        const want = await lines(original, p.method ?? 'GET', p.path, p.native === true);
        const got = await lines(migrated, p.method ?? 'GET', p.path, p.native === true);
        if (p.withoutPoweredBy) want.lines = want.lines.filter((l) => l !== 'X-Powered-By: Express');
        if (p.anyOrder) {
          want.lines.sort();
          got.lines.sort();
        }
        expect(got, `${p.method ?? 'GET'} ${p.path}`).toEqual(want);
      }
    });
  }

  it('the pairs do what they are named for', async () => {
    const port = await listen(load(readFileSync(join(fixtures, 'helmet-default-cjs.output.js'), 'utf8'), 'check-out.cjs'));
    const notFound = await lines(port, 'GET', '/nowhere', false);
    expect(notFound.status).toBe(404);
    expect(notFound.lines.some((l) => l.startsWith('Strict-Transport-Security:'))).toBe(true);
    expect(notFound.lines.some((l) => /^x-powered-by/i.test(l))).toBe(false);
    const kept = await listen(load(readFileSync(join(fixtures, 'helmet-after-route-powered-by-kept.output.js'), 'utf8'), 'check-kept.cjs'));
    expect((await lines(kept, 'GET', '/padded', false)).lines).toContain('X-Powered-By: Express');
  });
});
