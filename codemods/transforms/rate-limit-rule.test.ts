/**
 * The express-rate-limit rule across modules, as in an app that defines its
 * limiters in one module and registers them in others: the defining module
 * gets limitRequests, the registering one rateLimited for names it imports
 * from it (and fromExpress for names from a module without the package).
 * The original and the migrated copy, written to disk and run, give the
 * same statuses and rate-limit headers across the limit, and the limiter's
 * native and legacy registrations count in one store.
 *
 * Needs the built runtime (dist/): the migrated code requires
 * 'expressway/runtime' like a user's app does; `npm test` builds first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, request, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSource } from '../migrate-source.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

const LIMITS = `'use strict';

const rateLimit = require('express-rate-limit');

const apiLimiter = rateLimit({ windowMs: 60 * 1000, limit: 3, standardHeaders: 'draft-7', legacyHeaders: false, message: { error: 'slow down' } });

module.exports = { apiLimiter };
`;

const AUDIT = `'use strict';

module.exports = function audit(req, res, next) {
  res.setHeader('X-Audit', 'seen');
  next();
};
`;

const APP = `'use strict';

const express = require('express');
const { apiLimiter } = require('./limits');
const audit = require('./audit');

const app = express();
app.disable('x-powered-by');

app.use('/api', apiLimiter);
app.use(audit);

app.get('/api/items', (req, res) => {
  res.json({ items: [] });
});

app.get('/api/legacy', (req, res) => {
  res.format({ json: () => res.json({ remaining: req.rateLimit.remaining }) });
});

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

module.exports = app;
`;

/** Both copies live inside the repo, so express, express-rate-limit and expressway resolve from it. */
let base: string;
const servers: HttpServer[] = [];
const migrated: Record<string, string> = {};

beforeAll(() => {
  base = mkdtempSync(join(repo, 'codemods/transforms/.rate-limit-'));
  for (const [dir, files] of [['original', { 'limits.js': LIMITS, 'audit.js': AUDIT, 'app.js': APP }], ['migrated', {}]] as const) {
    mkdirSync(join(base, dir));
    writeFileSync(join(base, dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(base, dir, name), text);
  }
  // The original's files are on disk next to the one being migrated, as in a project run.
  for (const [name, text] of [['limits.js', LIMITS], ['audit.js', AUDIT], ['app.js', APP]] as const) {
    // The built package by path: a folder with its own package.json is outside expressway's self-reference.
    const out = migrateSource(text, { path: join(base, 'original', name), runtimeImport: join(repo, 'dist/runtime/index.js'), compatImport: join(repo, 'dist/compat/index.js') }).output;
    migrated[name] = out ?? text;
    writeFileSync(join(base, 'migrated', name), migrated[name]!);
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(base, { recursive: true, force: true });
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Status, body and the lines a client of the limiter reads (rate-limit headers with reset masked, X-Audit). */
async function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          if (/^(ratelimit|ratelimit-policy|retry-after|x-audit)$/i.test(name)) lines.push(`${name}: ${res.rawHeaders[i + 1]!.replace(/\breset=\d+/, 'reset=#').replace(/^\d+$/, '#')}`);
        }
        resolve(`${res.statusCode} ${lines.join(' | ')} ${Buffer.concat(chunks).toString()}`);
      });
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

describe('express-rate-limit across modules', () => {
  it('defines with limitRequests and registers with rateLimited only what comes from a rate-limit module', () => {
    expect(migrated['limits.js']).toMatch(/const apiLimiter = limitRequests\(\s*rateLimit,\s*\{ windowMs/);
    expect(migrated['limits.js']).toContain(`const { limitRequests } = require('${join(repo, 'dist/compat/index.js')}');`);
    expect(migrated['app.js']).toContain("app.requestMiddleware('/api', rateLimited(apiLimiter, { path: '/api' }));");
    expect(migrated['app.js']).not.toContain('fromExpress(apiLimiter');
    expect(migrated['app.js']).not.toContain('rateLimited(audit');
    // /api/legacy stays on Express (res.format): the limiter counts it through the same store.
    expect(migrated['app.js']).toContain("legacyApp.get('/api/legacy'");
  });

  it('answers as the original across the limit, counting native and legacy routes in one store', async () => {
    const load = (dir: string) => createRequire(join(base, dir, 'app.js'))('./app.js') as RequestListener & { handler?: RequestListener };
    const original = await listen(load('original'));
    const copy = load('migrated');
    const ours = await listen(typeof copy === 'function' ? copy : copy.handler!);
    const paths = ['/api/items', '/health', '/api/legacy', '/api/items', '/api/legacy', '/health', '/api/items'];
    const expected: string[] = [];
    const actual: string[] = [];
    for (const path of paths) {
      expected.push(await get(original, path));
      actual.push(await get(ours, path));
    }
    expect(actual).toEqual(expected);
    expect(expected.map((a) => a.slice(0, 3))).toEqual(['200', '200', '200', '200', '429', '200', '429']);
  });
});
