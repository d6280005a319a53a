import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { match } from 'path-to-regexp';
import { afterAll, describe, expect, it } from 'vitest';
import { RouteTree } from '../../runtime/router.js';
import { expressMajorFor, majorOfSpec } from './express-version.js';
import { convertRegexPath, convertStringPath } from './route-path.js';

const ok = (r: ReturnType<typeof convertStringPath>) => (r.ok ? { paths: r.paths, index: Object.fromEntries(r.indexNames) } : r.reason);

describe('Express paths -> runtime paths', () => {
  it('converts named, pattern, wildcard and optional parameters', () => {
    expect(ok(convertStringPath('/users/:id'))).toEqual({ paths: ['/users/{id}'], index: {} });
    expect(ok(convertStringPath('/items/:id(\\d+)'))).toEqual({ paths: ['/items/{id:\\d+}'], index: {} });
    expect(ok(convertStringPath('/files/*'))).toEqual({ paths: ['/files/{wildcard:.*}'], index: { 0: 'wildcard' } });
    expect(ok(convertStringPath('*'))).toEqual({ paths: ['/{wildcard:.*}'], index: { 0: 'wildcard' } });
    expect(ok(convertStringPath('/users/:id?'))).toEqual({ paths: ['/users', '/users/{id}'], index: {} });
    expect(ok(convertStringPath('/'))).toEqual({ paths: ['/'], index: {} });
  });

  it('refuses what it cannot express exactly', () => {
    for (const p of ['/ab?cd', '/a+', '/:from-:to', '/:file.:ext', '/a/*/b', '/:id?/x', 'users', '/x/:id((a)|b)']) {
      expect(convertStringPath(p).ok, p).toBe(false);
    }
  });

  it('converts anchored regex routes with one final group only', () => {
    expect(ok(convertRegexPath('^\\/api\\/(.*)$', ''))).toEqual({ paths: ['/api/{capture0:.*}'], index: { 0: 'capture0' } });
    expect(ok(convertRegexPath('^\\/health\\/?$', ''))).toEqual({ paths: ['/health'], index: {} });
    expect(convertRegexPath('.*fly$', '').ok).toBe(false);
    expect(convertRegexPath('^\\/a\\/(\\d+)\\/(\\w+)$', '').ok).toBe(false);
    expect(convertRegexPath('^\\/a$', 'g').ok).toBe(false);
  });
});

describe('Express 4 inline patterns with a non-capturing group', () => {
  // Express 4's own Layer (its path-to-regexp 0.1), as app.get builds it.
  const Layer = createRequire(import.meta.url)('express/lib/router/layer') as new (path: string, opts: object, fn: () => void) => {
    match(path: string): boolean; params: Record<string, string>;
  };
  const URLS = [
    '/exports/a.csv', '/exports/a.csv/', '/exports/A.CSV', '/exports/a.Txt', '/exports/a-b_c.txt', '/exports/a.csv.txt', '/exports/a.txtx',
    '/exports/.csv', '/exports/a%2Ecsv', '/exports/%61.txt', '/exports/a.csv%2F', '/exports/a/b.csv', '/exports/a.csv//', '/EXPORTS/a.txt',
    '/exports/a.', '/exports/a.json', '/exports', '/exports/', '/exports/abc', '/exports/abd', '/exports/ac', '/exports/a)', '/exports/a)b',
    '/exports/xab', '/exports/x', '/exports/a.csv?x=1',
  ];

  it('accepts one final (?:...) group and the runtime route matches exactly what Express matches, with the same param', () => {
    const cases = ['/exports/:file([\\w-]+\\.(?:csv|txt))', '/exports/:file(a(?:bc|bd))', '/exports/:file(\\w+\\.(?:csv))?', '/exports/:file(a\\))'];
    for (const express4 of cases) {
      const r = convertStringPath(express4);
      if (!r.ok) throw new Error(r.reason);
      const tree = new RouteTree<string>();
      for (const p of r.paths) tree.add('GET', p, p);
      const layer = new Layer(express4, { end: true, strict: false, sensitive: false }, () => {});
      for (const url of URLS) {
        const pathname = url.split('?')[0]!;
        const expected = layer.match(pathname) ? Object.fromEntries(Object.entries(layer.params).filter(([, v]) => v !== undefined)) : null;
        const m = tree.find('GET', pathname);
        expect({ express4, url, params: m.kind === 'found' ? { ...m.params } : null }).toEqual({ express4, url, params: expected });
      }
    }
    expect(ok(convertStringPath('/exports/:file([\\w-]+\\.(?:csv|txt))'))).toEqual({ paths: ['/exports/{file:[\\w-]+\\.(?:csv|txt)}'], index: {} });
  });

  it('refuses groups Express reads differently', () => {
    const refused: Record<string, RegExp> = {
      '/x/:f((?:a|b)c)': /before the end/, // Express ends the param at the first ")": params.f would be "a" of "ac"
      '/x/:f(a(b))': /nested groups/, // a capturing group is another param for Express
      '/x/:f(a(?=b))': /nested groups/,
      '/x/:f(a(?<n>b))': /nested groups/,
      '/x/:f([(]a)': /nested groups/,
      '/x/:f(a*)': /"\*"/, // Express 4 turns the first bare * into (.*)
      '/x/:f(a\\)b)': /before the end/,
    };
    for (const [p, reason] of Object.entries(refused)) {
      const r = convertStringPath(p);
      expect(r.ok ? 'accepted' : r.reason, p).toMatch(reason);
    }
    // The refused ones really differ: Express's own regexp for the first two.
    expect(new Layer('/x/:f((?:a|b)c)', { end: true }, () => {}).match('/x/ac')).toBe(true);
    const l = new Layer('/x/:f((?:a|b)c)', { end: true }, () => {});
    l.match('/x/ac');
    expect(l.params.f).toBe('a');
    expect(convertStringPath('/x/:f(\\d*)').ok).toBe(true); // an escape before the * keeps it a quantifier
  });
});

describe('Express 5 paths (path-to-regexp 8) -> runtime paths', () => {
  const v5 = (p: string) => {
    const r = convertStringPath(p, 5);
    return r.ok ? { paths: r.paths, wildcards: Object.fromEntries(r.wildcards ?? new Map()) } : r.reason;
  };

  it('converts optional groups, named wildcards and plain params', () => {
    expect(v5('/:projectId/summary{.:format}')).toEqual({ paths: ['/{projectId}/summary.{format}', '/{projectId}/summary'], wildcards: {} });
    expect(v5('/v1/*rest')).toEqual({ paths: ['/v1/{rest:[\\s\\S]+}'], wildcards: { rest: 1 } });
    expect(v5('/users{/:id}')).toEqual({ paths: ['/users/{id}', '/users'], wildcards: {} });
    expect(v5('/x{/:y{/:z}}')).toEqual({ paths: ['/x/{y}/{z}', '/x/{y}', '/x'], wildcards: {} });
  });

  it('refuses what the runtime cannot say exactly, with the reason', () => {
    expect(v5('/:name{.:ext}')).toMatch(/shares a segment with another parameter/);
    expect(v5('/:a-:b')).toMatch(/shares a segment/);
    expect(v5('/a/:id?')).toMatch(/reserved in Express 5/);
    expect(v5('/a/(\\d+)')).toMatch(/reserved in Express 5/);
    expect(v5('/files/*path/edit')).toMatch(/not a whole last segment/);
    expect(v5('/a{/b}/*rest')).toMatch(/can match one request in two ways/);
    expect(v5('/a{b')).toMatch(/unclosed/);
  });

  it('Express 4 syntax is not read as Express 5 and the other way round', () => {
    expect(convertStringPath('/v1/*rest').ok).toBe(false);
    expect(convertStringPath('/:projectId/summary{.:format}').ok).toBe(false);
    expect(convertStringPath('/users/:id?', 5).ok).toBe(false);
  });

  it('the runtime routes match exactly the requests Express 5 matches, with the same params', () => {
    const cases: Record<string, string[]> = {
      '/:projectId/summary{.:format}': ['/5/summary', '/5/summary.csv', '/5/summary.tar.gz', '/5/summary.', '/5/summary/', '/5/SUMMARY.json', '/5.x/summary.json', '/5/summaryx', '/5/summary/x'],
      '/users{/:id}': ['/users', '/users/', '/users/7', '/users/7/', '/users/7/x', '/user'],
      '/v1/*rest': ['/v1', '/v1/', '/v1/a', '/v1/a/b/c', '/v2/a', '/V1/a'],
      '/x{/:y{/:z}}': ['/x', '/x/1', '/x/1/2', '/x/1/2/3'],
    };
    for (const [express5, urls] of Object.entries(cases)) {
      const r = convertStringPath(express5, 5);
      if (!r.ok) throw new Error(r.reason);
      const tree = new RouteTree<string>();
      for (const p of r.paths) tree.add('GET', p, p);
      const expressMatch = match(express5, { decode: decodeURIComponent });
      for (const url of urls) {
        const e = expressMatch(url);
        const m = tree.find('GET', url);
        const expected = e ? Object.fromEntries(Object.entries(e.params).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v])) : null;
        expect({ url, params: m.kind === 'found' ? { ...m.params } : null }).toEqual({ url, params: expected });
      }
    }
  });
});

describe('expressMajorFor: the app package.json decides', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const app = (pkg: object | null) => {
    const dir = mkdtempSync(join(tmpdir(), 'h3-express-version-'));
    dirs.push(dir);
    if (pkg) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    mkdirSync(join(dir, 'routes'));
    return join(dir, 'routes', 'projects.ts');
  };

  it('reads the declared express range, an npm alias, or falls back to 4', () => {
    expect(expressMajorFor(app({ dependencies: { express: '^5.1.0' } }))).toBe(5);
    expect(expressMajorFor(app({ dependencies: { express: 'npm:express@~5.0.1' } }))).toBe(5);
    expect(expressMajorFor(app({ devDependencies: { express: '4.21.2' } }))).toBe(4);
    expect(majorOfSpec('latest')).toBeNull();
  });

  it('reads the repository fixtures as the versions they declare', () => {
    const root = fileURLToPath(new URL('../../fixtures/', import.meta.url));
    expect(expressMajorFor(join(root, 'ts-express5/routes/projects.ts'))).toBe(5);
    expect(expressMajorFor(join(root, 'callbacks/routes/docs.js'))).toBe(4);
  });
});
