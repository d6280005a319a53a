import { describe, expect, it } from 'vitest';
import {
  RouteMatcher,
  RouteNoiseStats,
  RuleSet,
  buildNormaliser,
  compareResponses,
  compareWithBaseline,
  inShard,
  inferTemplates,
  parseShard,
  validateRules,
  type Captured,
} from 'expressway/verify';

const res = (status: number, headers: Array<[string, string]>, body: string | Buffer): Captured => ({
  status,
  headers,
  body: typeof body === 'string' ? Buffer.from(body) : body,
});
const json = (body: unknown, headers: Array<[string, string]> = []) => res(200, [['Content-Type', 'application/json'], ...headers], JSON.stringify(body));
const opts = { headers: ['content-type', 'cache-control'], headerNameCase: true };

describe('compareResponses', () => {
  it('diffs JSON field by field with pointer paths', () => {
    const d = compareResponses(
      json({ a: 1, b: { 'x/y': 'p', t: [1, 2] }, gone: true, arr: [1] }),
      json({ a: 2, b: { 'x/y': 'q', t: [1, 2, 3] }, new: 1, arr: {} }),
      opts,
    );
    expect(d.map((x) => `${x.kind} ${x.path}`)).toEqual([
      'value /body/a',
      'value /body/b/x~1y',
      'extra /body/b/t/2',
      'missing /body/gone',
      'type /body/arr',
      'extra /body/new',
    ]);
  });

  it('compares the primary with the secondary and the candidate as two pairwise comparisons would', () => {
    const primary = json({ id: 1, ts: 10, deep: { list: [{ k: 'a' }, { k: 'b' }] } }, [['Cache-Control', 'no-store'], ['cache-control', 'private']]);
    const secondary = json({ id: 1, ts: 11, deep: { list: [{ k: 'a' }, { k: 'b' }] } }, [['Cache-Control', 'no-store'], ['cache-control', 'private']]);
    const candidate = json({ id: 1, ts: 12, deep: { list: [{ k: 'a' }, { k: 'c' }, { k: 'd' }] } }, [['cache-control', 'no-store, private']]);
    const [aa, ab] = compareWithBaseline(primary, secondary, candidate, opts);
    expect(aa).toEqual(compareResponses(primary, secondary, opts));
    expect(ab).toEqual(compareResponses(primary, candidate, opts));
    expect(aa.map((x) => x.path)).toEqual(['/body/ts']);
    // The repeated header is one value (joined), so only the spelling of its names differs.
    expect(ab.map((x) => `${x.kind} ${x.path}`)).toEqual(['header /headers/cache-control/name', 'value /body/ts', 'value /body/deep/list/1/k', 'extra /body/deep/list/2']);
  });

  it('compares status and chosen headers only', () => {
    const d = compareResponses(
      res(200, [['Content-Type', 'text/plain'], ['Cache-Control', 'no-store'], ['X-Other', '1']], 'a'),
      res(404, [['content-type', 'text/plain'], ['X-Other', '2']], 'a'),
      opts,
    );
    expect(d.map((x) => `${x.kind} ${x.path}`)).toEqual(['status /status', 'header /headers/content-type/name', 'header-missing /headers/cache-control']);
  });

  it('reads Content-Type as HTTP does: type, parameter names and charset are case-insensitive, other parameter values are not', () => {
    const ct = (value: string) => res(200, [['Content-Type', value]], 'a');
    expect(compareResponses(ct('application/json; charset=UTF-8'), ct('application/json;charset=utf-8'), opts)).toEqual([]);
    expect(compareResponses(ct('Text/HTML; Charset="utf-8"'), ct('text/html; charset=utf-8'), opts)).toEqual([]);
    const differs = (a: string, b: string) => compareResponses(ct(a), ct(b), opts).map((x) => `${x.kind} ${x.path}`);
    expect(differs('text/html; charset=utf-8', 'text/html; charset=iso-8859-1')).toEqual(['header /headers/content-type']);
    expect(differs('text/plain', 'text/html')).toEqual(['header /headers/content-type']);
    expect(differs('multipart/form-data; boundary=AB', 'multipart/form-data; boundary=ab')).toEqual(['header /headers/content-type']);
    expect(differs('text/plain; charset=utf-8', 'text/plain')).toEqual(['header /headers/content-type']);
  });

  it('diffs text with a unified diff and binaries by sha256', () => {
    const [t] = compareResponses(res(200, [], 'line1\nline2\n'), res(200, [], 'line1\nLINE2\n'), opts);
    expect(t).toMatchObject({ kind: 'text', path: '/body' });
    expect(t!.textDiff).toContain('-line2');
    expect(t!.textDiff).toContain('+LINE2');
    const [b] = compareResponses(res(200, [], Buffer.from([0, 1, 2])), res(200, [], Buffer.from([0, 1, 3])), opts);
    expect(b).toMatchObject({ kind: 'binary', primary: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(b!.primary).not.toBe(b!.candidate);
    const [f] = compareResponses(json({ a: 1 }), res(200, [['Content-Type', 'application/json']], '<html>'), opts);
    expect(f).toMatchObject({ kind: 'body-format' });
  });
});

describe('normalisers', () => {
  it('hide Express defaults on both sides', () => {
    const { apply, names } = buildNormaliser(['x-powered-by', 'charset', 'header-case', 'etag', 'date']);
    expect(names).toHaveLength(5);
    const a = apply(res(200, [['X-Powered-By', 'Express'], ['Content-Type', 'application/json; charset=utf-8'], ['ETag', 'W/"a"'], ['Date', 'x']], '{}'));
    const b = apply(res(200, [['content-type', 'application/json']], '{}'));
    expect(compareResponses(a, b, { headers: ['content-type', 'x-powered-by', 'etag', 'date'], headerNameCase: false })).toEqual([]);
    expect(() => buildNormaliser(['nope'])).toThrow(expect.objectContaining({ code: 'EXW_ERR_VERIFY_NORMALISER' }));
  });
});

describe('noise', () => {
  it('route statistics: A/A differences explain A/B ones within the thresholds', () => {
    const s = new RouteNoiseStats();
    for (let i = 0; i < 20; i++) {
      // A millisecond timestamp: equal in 3 of 20 A/A pairs, different in every A/B pair.
      s.record(i < 17 ? ['/body/ts'] : [], ['/body/ts', '/body/real']);
    }
    const noise = s.noisePaths();
    expect(noise.has('/body/ts')).toBe(true);
    expect(noise.has('/body/real')).toBe(false);
    const rare = new RouteNoiseStats();
    // Differs once in A/A but in every A/B pair: a real change, not noise.
    for (let i = 0; i < 20; i++) rare.record(i === 0 ? ['/body/x'] : [], ['/body/x']);
    expect(rare.noisePaths().has('/body/x')).toBe(false);
  });

  it('rules match routes by template, fields by pattern or bare key, and headers', () => {
    const rules = new RuleSet(
      validateRules({
        version: 1,
        rules: [
          { route: 'GET /users/{id}', fields: ['/body/items/*/at', 'updatedAt'], headers: ['ETag'] },
          { route: '*', fields: ['/meta/**'] },
        ],
      }).rules,
    );
    expect(rules.ignores('GET /users/{userId}', '/body/items/3/at')).toBe(true);
    expect(rules.ignores('GET /users/{id}', '/body/items/3/other')).toBe(false);
    expect(rules.ignores('GET /users/{id}', '/body/deep/updatedAt')).toBe(true);
    expect(rules.ignores('GET /users/{id}', '/headers/etag')).toBe(true);
    expect(rules.ignores('POST /users/{id}', '/headers/etag')).toBe(false);
    expect(rules.ignores('GET /x', '/body/meta/a/b')).toBe(true);
    expect(() => validateRules({ version: 2, rules: [] })).toThrow(expect.objectContaining({ code: 'EXW_ERR_VERIFY_RULES' }));
  });
});

describe('route templates', () => {
  it('turns id-like segments into parameters', () => {
    const t = inferTemplates(['/users/17', '/users/18', '/orders/5f3c2a1b9d8e7f6a5b4c3d2e/items/3', '/files/550e8400-e29b-41d4-a716-446655440000', '/health']);
    expect(t.get('/users/17')).toBe('/users/{id}');
    expect(t.get('/users/18')).toBe('/users/{id}');
    expect(t.get('/orders/5f3c2a1b9d8e7f6a5b4c3d2e/items/3')).toBe('/orders/{id}/items/{id2}');
    expect(t.get('/files/550e8400-e29b-41d4-a716-446655440000')).toBe('/files/{id}');
    expect(t.get('/health')).toBe('/health');
  });

  it('clusters many distinct names with alike sub-paths, not distinct resources', () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory'];
    const paths = [...names.map((n) => `/u/${n}/repos`), '/api/users', '/api/orders', '/api/orders/stats', '/api/health'];
    const t = inferTemplates(paths);
    expect(t.get('/u/alice/repos')).toBe('/u/{id}/repos');
    expect(t.get('/u/mallory/repos')).toBe('/u/{id}/repos');
    expect(t.get('/api/orders/stats')).toBe('/api/orders/stats');
    expect(t.get('/api/users')).toBe('/api/users');
  });

  it('matches declared routes first, most specific first', () => {
    const m = new RouteMatcher([
      { method: 'GET', template: '/users/{id}' },
      { method: 'GET', template: '/users/me' },
      { method: '*', template: '/files/{path:.+}' },
    ]);
    expect(m.match('GET', '/users/me?x=1').key).toBe('GET /users/me');
    expect(m.match('GET', '/users/42').key).toBe('GET /users/{id}');
    expect(m.match('PUT', '/files/a/b/c.txt').key).toBe('* /files/{path:.+}');
    expect(m.match('GET', '/other/7').key).toBe('GET /other/{id}');
  });
});

describe('shards', () => {
  it('partition entry numbers exactly', () => {
    const n = 5;
    const owners = Array.from({ length: 1000 }, (_, seq) => [1, 2, 3, 4, 5].filter((i) => inShard(seq, { index: i, count: n })));
    expect(owners.every((o) => o.length === 1)).toBe(true);
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['0/3', '4/3', 'x', '1/0']) expect(() => parseShard(bad)).toThrow(expect.objectContaining({ code: 'EXW_ERR_VERIFY_SHARD' }));
  });
});
