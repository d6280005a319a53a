import { describe, expect, test } from 'vitest';
import { RouteTree, type RouteMatch } from './router.js';

function tree(routes: Array<[string, string]>, opts?: ConstructorParameters<typeof RouteTree>[0]): RouteTree<string> {
  const t = new RouteTree<string>(opts);
  for (const [method, pattern] of routes) t.add(method, pattern, `${method} ${pattern}`);
  return t;
}

function found(t: RouteTree<string>, method: string, path: string): { value: string; params: Record<string, string> } | RouteMatch<string> {
  const m = t.find(method, path);
  return m.kind === 'found' ? { value: m.value, params: { ...m.params } } : m;
}

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('static routes', () => {
  const t = tree([
    ['GET', '/'],
    ['GET', '/users'],
    ['GET', '/users/list'],
    ['POST', '/users'],
  ]);

  test('exact paths match with empty params and the registered pattern', () => {
    const m = t.find('GET', '/users/list');
    expect(m).toMatchObject({ kind: 'found', value: 'GET /users/list', pattern: '/users/list' });
    expect(Object.keys((m as { params: object }).params)).toEqual([]);
    expect(found(t, 'GET', '/')).toEqual({ value: 'GET /', params: {} });
    expect(found(t, 'POST', '/users')).toEqual({ value: 'POST /users', params: {} });
  });

  test('prefixes, extensions and unknown paths are not found', () => {
    for (const path of ['/use', '/users/list/x', '/userslist', '/users/lis', '/x', '', 'users']) {
      expect(t.find('GET', path)).toEqual({ kind: 'not-found' });
    }
  });

  test('many static siblings (map lookup) still match exactly', () => {
    const big = tree(Array.from({ length: 50 }, (_, i) => ['GET', `/s${i}/leaf`] as [string, string]));
    for (let i = 0; i < 50; i++) expect(found(big, 'GET', `/s${i}/leaf`)).toEqual({ value: `GET /s${i}/leaf`, params: {} });
    expect(big.find('GET', '/s50/leaf').kind).toBe('not-found');
    expect(big.find('GET', '/s1/leaf2').kind).toBe('not-found');
  });
});

describe('params', () => {
  test('one param per segment, values in original case', () => {
    const t = tree([['GET', '/users/{id}/posts/{postId}']]);
    expect(found(t, 'GET', '/users/AbC/posts/X1')).toEqual({
      value: 'GET /users/{id}/posts/{postId}',
      params: { id: 'AbC', postId: 'X1' },
    });
  });

  test('a param needs a non-empty segment', () => {
    const t = tree([['GET', '/users/{id}']], { ignoreTrailingSlash: false });
    expect(t.find('GET', '/users/').kind).toBe('not-found');
    expect(t.find('GET', '/users').kind).toBe('not-found');
  });

  test('values are not decoded again', () => {
    const t = tree([['GET', '/q/{v}']]);
    expect(found(t, 'GET', '/q/a%20b')).toMatchObject({ params: { v: 'a%20b' } });
    expect(found(t, 'GET', '/q/ünï çødé')).toMatchObject({ params: { v: 'ünï çødé' } });
  });

  test('each route keeps its own param names on a shared node', () => {
    const t = tree([
      ['GET', '/u/{a}/x'],
      ['GET', '/u/{b}/y'],
      ['POST', '/u/{c}/x'],
    ]);
    expect(found(t, 'GET', '/u/1/x')).toMatchObject({ params: { a: '1' } });
    expect(found(t, 'GET', '/u/1/y')).toMatchObject({ params: { b: '1' } });
    expect(found(t, 'POST', '/u/1/x')).toMatchObject({ params: { c: '1' } });
  });
});

describe('regex segments', () => {
  test('a regex in the last segment swallows the rest of the path', () => {
    const t = tree([['GET', '/files/{path:.+}']]);
    expect(found(t, 'GET', '/files/a/b/c')).toEqual({ value: 'GET /files/{path:.+}', params: { path: 'a/b/c' } });
    expect(found(t, 'GET', '/files/a')).toMatchObject({ params: { path: 'a' } });
    expect(t.find('GET', '/files').kind).toBe('not-found');
  });

  test('a tail regex is anchored to the whole rest', () => {
    const t = tree([['GET', '/n/{id:\\d+}']]);
    expect(found(t, 'GET', '/n/42')).toMatchObject({ params: { id: '42' } });
    expect(t.find('GET', '/n/42/x').kind).toBe('not-found');
    expect(t.find('GET', '/n/x42').kind).toBe('not-found');
    expect(t.find('GET', '/n/42x').kind).toBe('not-found');
  });

  test('a regex before the last segment is anchored to its segment', () => {
    const t = tree([['GET', '/n/{id:\\d+}/edit']]);
    expect(found(t, 'GET', '/n/42/edit')).toMatchObject({ params: { id: '42' } });
    expect(t.find('GET', '/n/4a/edit').kind).toBe('not-found');
    expect(t.find('GET', '/n/42/43/edit').kind).toBe('not-found');
  });

  test('regexes containing braces match as written', () => {
    const t = tree([['GET', '/c/{id:\\d{3}}/x']]);
    expect(found(t, 'GET', '/c/123/x')).toMatchObject({ params: { id: '123' } });
    expect(t.find('GET', '/c/1234/x').kind).toBe('not-found');
  });

  test('a tail regex that accepts "" takes the bare prefix when trailing slashes are ignored', () => {
    const loose = tree([['GET', '/files/{rest:.*}']]);
    expect(found(loose, 'GET', '/files/')).toMatchObject({ params: { rest: '' } });
    expect(found(loose, 'GET', '/files')).toMatchObject({ params: { rest: '' } });
    expect(found(loose, 'GET', '/files/a/b/')).toMatchObject({ params: { rest: 'a/b' } });
    const exact = tree([['GET', '/files/{rest:.*}']], { ignoreTrailingSlash: false });
    expect(found(exact, 'GET', '/files/')).toMatchObject({ params: { rest: '' } });
    expect(exact.find('GET', '/files').kind).toBe('not-found');
    expect(found(exact, 'GET', '/files/a/b/')).toMatchObject({ params: { rest: 'a/b/' } });
  });
});

describe('mixed segments', () => {
  const t = tree([
    ['GET', '/v{version}/ping'],
    ['GET', '/img/{name}.{ext}'],
    ['GET', '/img/{id:\\d+}.png'],
    ['GET', '/dl/file-{rest:.+}'],
    ['GET', '/{slug}/ping'],
  ]);

  test('static text around params', () => {
    expect(found(t, 'GET', '/v2/ping')).toEqual({ value: 'GET /v{version}/ping', params: { version: '2' } });
    expect(found(t, 'GET', '/img/a.b.c')).toEqual({ value: 'GET /img/{name}.{ext}', params: { name: 'a.b', ext: 'c' } });
    expect(found(t, 'GET', '/dl/file-a/b')).toEqual({ value: 'GET /dl/file-{rest:.+}', params: { rest: 'a/b' } });
  });

  test('a mixed segment ranks between static and {param}', () => {
    expect(found(t, 'GET', '/x2/ping')).toEqual({ value: 'GET /{slug}/ping', params: { slug: 'x2' } });
    expect(found(t, 'GET', '/v/ping')).toEqual({ value: 'GET /{slug}/ping', params: { slug: 'v' } });
  });

  test('mixed segments are tried in registration order', () => {
    expect(found(t, 'GET', '/img/12.png')).toEqual({ value: 'GET /img/{name}.{ext}', params: { name: '12', ext: 'png' } });
  });

  test('static text in a mixed segment follows caseSensitive', () => {
    expect(found(t, 'GET', '/V2/ping')).toMatchObject({ value: 'GET /v{version}/ping' });
    const cs = tree([['GET', '/v{version}']], { caseSensitive: true });
    expect(cs.find('GET', '/V2').kind).toBe('not-found');
  });
});

describe('priority and backtracking', () => {
  test('static beats {param} beats {name:regex}, whatever the registration order', () => {
    const t = tree([
      ['GET', '/p/{n:\\d+}'],
      ['GET', '/p/{id}'],
      ['GET', '/p/new'],
    ]);
    expect(found(t, 'GET', '/p/new')).toMatchObject({ value: 'GET /p/new' });
    expect(found(t, 'GET', '/p/12')).toMatchObject({ value: 'GET /p/{id}', params: { id: '12' } });
  });

  test('a regex wins where a more specific branch fails deeper', () => {
    const t = tree([
      ['GET', '/p/{id}/a'],
      ['GET', '/p/{n:\\d+}/b'],
    ]);
    expect(found(t, 'GET', '/p/12/b')).toMatchObject({ value: 'GET /p/{n:\\d+}/b', params: { n: '12' } });
    expect(t.find('GET', '/p/x/b').kind).toBe('not-found');
  });

  test('backtracks from static to param', () => {
    const t = tree([
      ['GET', '/users/new/x'],
      ['GET', '/users/{id}/y'],
    ]);
    expect(found(t, 'GET', '/users/new/x')).toMatchObject({ value: 'GET /users/new/x' });
    expect(found(t, 'GET', '/users/new/y')).toEqual({ value: 'GET /users/{id}/y', params: { id: 'new' } });
  });

  test('backtracking several levels keeps params of the final branch only', () => {
    const t = tree([
      ['GET', '/a/{x}/{y}/static'],
      ['GET', '/a/{x:\\w+}/b/{z}'],
      ['GET', '/a/{rest:.+}'],
    ]);
    expect(found(t, 'GET', '/a/1/2/static')).toEqual({ value: 'GET /a/{x}/{y}/static', params: { x: '1', y: '2' } });
    expect(found(t, 'GET', '/a/1/b/3')).toEqual({ value: 'GET /a/{x:\\w+}/b/{z}', params: { x: '1', z: '3' } });
    expect(found(t, 'GET', '/a/1/c/3')).toEqual({ value: 'GET /a/{rest:.+}', params: { rest: '1/c/3' } });
  });

  test('segment regexes before tail regexes, each in registration order', () => {
    const t = tree([
      ['GET', '/r/{all:.+}'],
      ['GET', '/r/{w:\\w+}'],
      ['GET', '/r/{d:\\d+}'],
    ]);
    // All are tails (last segment); registration order decides.
    expect(found(t, 'GET', '/r/12')).toMatchObject({ value: 'GET /r/{all:.+}' });
    const u = tree([
      ['GET', '/r/{all:.+}'],
      ['GET', '/r/{d:\\d+}/x'],
    ]);
    expect(found(u, 'GET', '/r/12/x')).toMatchObject({ value: 'GET /r/{d:\\d+}/x', params: { d: '12' } });
  });

  test('the walk is method-aware: a branch without the method is skipped', () => {
    const t = tree([
      ['POST', '/users/new'],
      ['GET', '/users/{id}'],
    ]);
    expect(found(t, 'GET', '/users/new')).toEqual({ value: 'GET /users/{id}', params: { id: 'new' } });
    expect(found(t, 'POST', '/users/new')).toMatchObject({ value: 'POST /users/new' });
  });
});

describe('methods', () => {
  const t = tree([
    ['GET', '/r'],
    ['POST', '/r'],
    ['DELETE', '/r'],
    ['OPTIONS', '/o'],
    ['PUT', '/o'],
    ['HEAD', '/h'],
    ['GET', '/h'],
    ['*', '/any'],
    ['GET', '/both'],
    ['*', '/both'],
  ]);

  test('405 with the sorted allowed list, HEAD added for GET', () => {
    expect(t.find('PUT', '/r')).toEqual({ kind: 'method-not-allowed', allowed: ['DELETE', 'GET', 'HEAD', 'POST'] });
    expect(t.find('PATCH', '/r/')).toEqual({ kind: 'method-not-allowed', allowed: ['DELETE', 'GET', 'HEAD', 'POST'] });
  });

  test('OPTIONS is listed only when registered', () => {
    expect(t.find('OPTIONS', '/r')).toEqual({ kind: 'method-not-allowed', allowed: ['DELETE', 'GET', 'HEAD', 'POST'] });
    expect(t.find('GET', '/o')).toEqual({ kind: 'method-not-allowed', allowed: ['OPTIONS', 'PUT'] });
    expect(found(t, 'OPTIONS', '/o')).toMatchObject({ value: 'OPTIONS /o' });
  });

  test('HEAD falls back to GET, a HEAD route wins over it', () => {
    expect(found(t, 'HEAD', '/r')).toMatchObject({ value: 'GET /r' });
    expect(found(t, 'HEAD', '/h')).toMatchObject({ value: 'HEAD /h' });
    expect(t.find('HEAD', '/o')).toEqual({ kind: 'method-not-allowed', allowed: ['OPTIONS', 'PUT'] });
  });

  test('* answers every method, unknown ones included; a specific method wins over it', () => {
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND']) {
      expect(found(t, m, '/any')).toMatchObject({ value: '* /any' });
    }
    expect(found(t, 'GET', '/both')).toMatchObject({ value: 'GET /both' });
    expect(found(t, 'HEAD', '/both')).toMatchObject({ value: 'GET /both' });
    expect(found(t, 'POST', '/both')).toMatchObject({ value: '* /both' });
  });

  test('an unknown request method on a known path is a 405', () => {
    expect(t.find('PROPFIND', '/r')).toEqual({ kind: 'method-not-allowed', allowed: ['DELETE', 'GET', 'HEAD', 'POST'] });
  });

  test('method names are case-insensitive at registration and lookup', () => {
    const l = tree([['get', '/x']]);
    expect(found(l, 'GET', '/x')).toMatchObject({ value: 'get /x' });
    expect(found(l, 'get', '/x')).toMatchObject({ value: 'get /x' });
    expect(l.routes()[0]!.method).toBe('GET');
  });

  test('the allowed list is the union over every pattern the path matches', () => {
    const u = tree([
      ['POST', '/users/new'],
      ['GET', '/users/{id}'],
      ['PUT', '/users/{id:\\d+}'],
    ]);
    expect(u.find('DELETE', '/users/new')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'POST'] });
    expect(u.find('DELETE', '/users/7')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'PUT'] });
  });

  test('invalid methods are rejected at registration', () => {
    const err = errorOf(() => new RouteTree().add('FETCH', '/x', 1));
    expect(err.code).toBe('EXW_ERR_ROUTE_INVALID_METHOD');
    expect(err.message).toContain('"/x"');
    expect(errorOf(() => new RouteTree().add('', '/x', 1)).code).toBe('EXW_ERR_ROUTE_INVALID_METHOD');
  });
});

describe('options', () => {
  test('case-insensitive by default, params keep their case', () => {
    const t = tree([['GET', '/Users/{id}']]);
    expect(found(t, 'GET', '/USERS/MiXeD')).toEqual({ value: 'GET /Users/{id}', params: { id: 'MiXeD' } });
    expect(found(t, 'GET', '/users/x')).toMatchObject({ value: 'GET /Users/{id}' });
  });

  test('regexes follow caseSensitive too, values keep their case', () => {
    const loose = tree([['GET', '/n/{x:[a-z]+}/{y:[a-z]+}']]);
    expect(found(loose, 'GET', '/N/AbC/dEf')).toMatchObject({ params: { x: 'AbC', y: 'dEf' } });
    const exact = tree([['GET', '/n/{x:[a-z]+}']], { caseSensitive: true });
    expect(exact.find('GET', '/n/AbC').kind).toBe('not-found');
  });

  test('fully static non-ASCII routes', () => {
    const t = tree([['GET', '/İ/Ünï']]);
    expect(found(t, 'GET', '/i̇/ünï')).toMatchObject({ value: 'GET /İ/Ünï' });
    expect(found(t, 'GET', '/İ/ÜNÏ/')).toMatchObject({ value: 'GET /İ/Ünï' });
  });

  test('caseSensitive: true compares static text exactly', () => {
    const t = tree(
      [
        ['GET', '/Users/{id}'],
        ['GET', '/About'],
      ],
      { caseSensitive: true },
    );
    expect(found(t, 'GET', '/Users/x')).toMatchObject({ value: 'GET /Users/{id}' });
    expect(t.find('GET', '/users/x').kind).toBe('not-found');
    expect(t.find('GET', '/about').kind).toBe('not-found');
    expect(found(t, 'GET', '/About')).toMatchObject({ value: 'GET /About' });
  });

  test('non-ASCII static text, even when lower-casing changes the length', () => {
    const t = tree([
      ['GET', '/straße/{id}'],
      ['GET', '/i̇stanbul/{id}'],
    ]);
    expect(found(t, 'GET', '/STRASSE/1').kind).toBe('not-found');
    expect(found(t, 'GET', '/Straße/Ab')).toEqual({ value: 'GET /straße/{id}', params: { id: 'Ab' } });
    expect(found(t, 'GET', '/İstanbul/Ab')).toEqual({ value: 'GET /i̇stanbul/{id}', params: { id: 'Ab' } });
    expect(found(t, 'GET', '/Straße/İx')).toEqual({ value: 'GET /straße/{id}', params: { id: 'İx' } });
  });

  test('ignoreTrailingSlash (default): /a/ and /a are the same route', () => {
    const t = tree([
      ['GET', '/a'],
      ['GET', '/b/'],
      ['GET', '/p/{id}'],
    ]);
    expect(found(t, 'GET', '/a/')).toMatchObject({ value: 'GET /a' });
    expect(found(t, 'GET', '/b')).toMatchObject({ value: 'GET /b/' });
    expect(found(t, 'GET', '/p/1/')).toEqual({ value: 'GET /p/{id}', params: { id: '1' } });
    expect(errorOf(() => t.add('GET', '/a/', 'again')).code).toBe('EXW_ERR_ROUTE_DUPLICATE');
    expect(t.find('GET', '/a//').kind).toBe('not-found');
  });

  test('ignoreTrailingSlash: false makes /a/ and /a different routes', () => {
    const t = tree(
      [
        ['GET', '/a'],
        ['GET', '/a/'],
        ['GET', '/p/{id}'],
      ],
      { ignoreTrailingSlash: false },
    );
    expect(found(t, 'GET', '/a')).toMatchObject({ value: 'GET /a' });
    expect(found(t, 'GET', '/a/')).toMatchObject({ value: 'GET /a/' });
    expect(t.find('GET', '/p/1/').kind).toBe('not-found');
    expect(found(t, 'GET', '/')).toEqual({ kind: 'not-found' });
  });

  test('the root path with either option', () => {
    for (const ignoreTrailingSlash of [true, false]) {
      const t = tree([['GET', '/']], { ignoreTrailingSlash });
      expect(found(t, 'GET', '/')).toMatchObject({ value: 'GET /' });
      // `//` is `/` plus a trailing slash.
      expect(t.find('GET', '//').kind).toBe(ignoreTrailingSlash ? 'found' : 'not-found');
      expect(t.find('GET', '///').kind).toBe('not-found');
    }
  });
});

describe('registration errors', () => {
  test('the same method and pattern twice', () => {
    const t = tree([['GET', '/u/{id}']]);
    const err = errorOf(() => t.add('GET', '/u/{id}', 'x'));
    expect(err.code).toBe('EXW_ERR_ROUTE_DUPLICATE');
    expect(err.message).toContain('/u/{id}');
  });

  test('equivalent patterns differing only in param names', () => {
    const t = tree([
      ['GET', '/u/{a}'],
      ['GET', '/r/{n:\\d+}/x'],
      ['GET', '/m/{a}.{b}'],
    ]);
    const err = errorOf(() => t.add('GET', '/u/{b}', 'x'));
    expect(err.code).toBe('EXW_ERR_ROUTE_DUPLICATE');
    expect(err.message).toContain('/u/{b}');
    expect(err.message).toContain('/u/{a}');
    expect(errorOf(() => t.add('GET', '/r/{m:\\d+}/x', 'x')).code).toBe('EXW_ERR_ROUTE_DUPLICATE');
    expect(errorOf(() => t.add('GET', '/m/{x}.{y}', 'x')).code).toBe('EXW_ERR_ROUTE_DUPLICATE');
    expect(errorOf(() => t.add('get', '/U/{c}', 'x')).code).toBe('EXW_ERR_ROUTE_DUPLICATE');
  });

  test('other methods, other regexes or other case (when case-sensitive) are not duplicates', () => {
    const t = tree([['GET', '/u/{a}']]);
    t.add('POST', '/u/{b}', 'post');
    t.add('*', '/u/{c}', 'any');
    t.add('GET', '/u/{n:\\d+}', 'num');
    const cs = tree([['GET', '/A']], { caseSensitive: true });
    cs.add('GET', '/a', 'lower');
    expect(t.routes()).toHaveLength(4);
  });

  test('an invalid regex names the pattern', () => {
    const err = errorOf(() => new RouteTree().add('GET', '/x/{id:[z-a]}', 1));
    expect(err.code).toBe('EXW_ERR_ROUTE_INVALID_REGEX');
    expect(err.message).toContain('/x/{id:[z-a]}');
  });

  test('an invalid pattern names the pattern', () => {
    const err = errorOf(() => new RouteTree().add('GET', '/x/{id', 1));
    expect(err.code).toBe('EXW_ERR_ROUTE_INVALID_PATTERN');
    expect(err.message).toContain('/x/{id');
  });

  test('a failed registration leaves no route behind', () => {
    const t = tree([['GET', '/u/{a}']]);
    errorOf(() => t.add('GET', '/u/{b}', 'x'));
    expect(t.routes().map((r) => r.pattern)).toEqual(['/u/{a}']);
    expect(found(t, 'GET', '/u/1')).toMatchObject({ value: 'GET /u/{a}', params: { a: '1' } });
  });
});

describe('params objects and prototype safety', () => {
  test('params inherit nothing', () => {
    const t = tree([['GET', '/u/{id}']]);
    const m = t.find('GET', '/u/1') as { params: Record<string, unknown> };
    expect(m.params.toString).toBeUndefined();
    expect(m.params.constructor).toBeUndefined();
    expect(m.params.hasOwnProperty).toBeUndefined();
    expect('valueOf' in m.params).toBe(false);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(m.params))).toBeNull();
    expect(JSON.stringify(m.params)).toBe('{"id":"1"}');
    const s = t.find('GET', '/u/2') as { params: Record<string, unknown> };
    expect(s.params).not.toBe(m.params);
  });

  test('static routes get a fresh, writable params object too', () => {
    const t = tree([['GET', '/s']]);
    const a = t.find('GET', '/s') as { params: Record<string, string> };
    a.params.x = '1';
    const b = t.find('GET', '/s') as { params: Record<string, string> };
    expect(b.params.x).toBeUndefined();
    expect(b.params.toString).toBeUndefined();
  });

  test('__proto__, constructor and prototype as routes and values pollute nothing', () => {
    const t = tree([
      ['GET', '/__proto__'],
      ['GET', '/constructor/{__proto__}'],
      ['GET', '/p/{constructor}/{prototype}'],
      ['GET', '/hasOwnProperty'],
    ]);
    expect(found(t, 'GET', '/__proto__')).toMatchObject({ value: 'GET /__proto__' });
    expect(found(t, 'GET', '/hasOwnProperty')).toMatchObject({ value: 'GET /hasOwnProperty' });
    expect(t.find('GET', '/toString').kind).toBe('not-found');
    expect(t.find('GET', '/valueOf/x').kind).toBe('not-found');

    const m = t.find('GET', '/constructor/__proto__') as { params: Record<string, unknown> };
    expect(Object.keys(m.params)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(m.params, '__proto__')?.value).toBe('__proto__');
    const p = t.find('GET', '/p/__proto__/polluted') as { params: Record<string, unknown> };
    expect({ ...p.params }).toEqual({ constructor: '__proto__', prototype: 'polluted' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('routes()', () => {
  test('lists registrations in order with canonical methods, as copies', () => {
    const t = new RouteTree<number>();
    t.add('get', '/a', 1);
    t.add('*', '/b/{x}', 2);
    t.add('POST', '/a', 3);
    const list = t.routes();
    expect(list).toEqual([
      { method: 'GET', pattern: '/a', value: 1 },
      { method: '*', pattern: '/b/{x}', value: 2 },
      { method: 'POST', pattern: '/a', value: 3 },
    ]);
    list.pop();
    expect(t.routes()).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------
// A random table checked against a naive reference matcher: every route is
// matched on its own (split by '/'), the winner is the matching route with
// the smallest rank vector (static < {param} < segment regex < tail regex).
// Any regex in the last segment is a tail; tails under the same prefix rank
// by the registration order of their first route.

type RefSeg = { kind: 'static'; text: string } | { kind: 'param'; name: string } | { kind: 'digits'; name: string } | { kind: 'tail'; name: string };
type RefRoute = {
  method: string;
  pattern: string;
  segs: RefSeg[];
  value: string;
  /** Canonical pattern (param names dropped) and the index of the first route registered with it. */
  key: string;
  firstOfKey: number;
};

const RANK = { static: 0, param: 1, digits: 2, tail: 3 } as const;
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function canonical(segs: RefSeg[]): string {
  return segs.map((s) => (s.kind === 'static' ? `s:${s.text.toLowerCase()}` : s.kind)).join('/');
}

/** Rank vector of a route for a path, or null when it does not match. */
function refMatch(route: RefRoute, parts: string[]): { ranks: number[]; params: Record<string, string> } | null {
  const ranks: number[] = [];
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segs.length; i++) {
    const seg = route.segs[i]!;
    if (seg.kind !== 'static' && seg.kind !== 'param' && i === route.segs.length - 1) {
      const rest = parts.slice(i).join('/');
      if (i >= parts.length || !(seg.kind === 'tail' ? /^.+$/ : /^\d+$/).test(rest)) return null;
      params[seg.name] = rest;
      ranks.push(RANK.tail + route.firstOfKey / 1e6);
      return { ranks, params };
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (seg.kind === 'static' && part.toLowerCase() !== seg.text.toLowerCase()) return null;
    if (seg.kind === 'param' && part === '') return null;
    if (seg.kind === 'digits' && !/^\d+$/.test(part)) return null;
    if (seg.kind !== 'static') params[seg.name] = part;
    ranks.push(RANK[seg.kind]);
  }
  return parts.length === route.segs.length ? { ranks, params } : null;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}

function refFind(routes: RefRoute[], method: string, path: string): unknown {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const parts = trimmed.slice(1).split('/');
  const byLeaf = new Map<string, { ranks: number[]; params: Map<string, Record<string, string>>; routes: Map<string, RefRoute> }>();
  for (const route of routes) {
    const m = refMatch(route, parts);
    if (!m) continue;
    const key = route.key;
    const leaf = byLeaf.get(key) ?? { ranks: m.ranks, params: new Map(), routes: new Map() };
    leaf.routes.set(route.method, route);
    leaf.params.set(route.method, m.params);
    byLeaf.set(key, leaf);
  }
  let best: { ranks: number[]; route: RefRoute; params: Record<string, string> } | null = null;
  const allowed = new Set<string>();
  for (const leaf of byLeaf.values()) {
    for (const m of leaf.routes.keys()) allowed.add(m);
    const chosen = method === 'HEAD' ? (leaf.routes.has('HEAD') ? 'HEAD' : leaf.routes.has('GET') ? 'GET' : '*') : leaf.routes.has(method) ? method : '*';
    const route = leaf.routes.get(chosen);
    if (route && (!best || lexLess(leaf.ranks, best.ranks))) best = { ranks: leaf.ranks, route, params: leaf.params.get(chosen)! };
  }
  if (best) return { kind: 'found', value: best.route.value, params: best.params };
  if (allowed.size === 0) return { kind: 'not-found' };
  if (allowed.has('GET')) allowed.add('HEAD');
  return { kind: 'method-not-allowed', allowed: ALL_METHODS.filter((m) => allowed.has(m)) };
}

describe('random table against a reference matcher', () => {
  const WORDS = ['a', 'b', 'users', 'Files', 'x', 'new', '42', 'api'];
  const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', '*'];

  function generate(seed: number) {
    const rnd = random(seed);
    const pickOf = <V>(list: readonly V[]): V => list[Math.floor(rnd() * list.length)]!;
    const routes: RefRoute[] = [];
    const tree = new RouteTree<string>();
    const seen = new Set<string>();
    let duplicates = 0;
    while (routes.length < 500) {
      const length = 1 + Math.floor(rnd() * 4);
      const segs: RefSeg[] = [];
      for (let i = 0; i < length; i++) {
        const r = rnd();
        const name = `p${i}${pickOf(['', 'x', 'y'])}`;
        if (r < 0.6) segs.push({ kind: 'static', text: pickOf(WORDS) });
        else if (r < 0.8) segs.push({ kind: 'param', name });
        else if (r < 0.9 || i < length - 1 || i === 0) segs.push({ kind: 'digits', name });
        else segs.push({ kind: 'tail', name });
      }
      const pattern =
        '/' +
        segs
          .map((s) => (s.kind === 'static' ? s.text : s.kind === 'param' ? `{${s.name}}` : s.kind === 'digits' ? `{${s.name}:\\d+}` : `{${s.name}:.+}`))
          .join('/');
      const method = pickOf(METHODS);
      const value = `${method} ${pattern} #${routes.length}`;
      const key = `${method} ${canonical(segs)}`;
      if (seen.has(key)) {
        expect(() => tree.add(method, pattern, value)).toThrow(expect.objectContaining({ code: 'EXW_ERR_ROUTE_DUPLICATE' }));
        duplicates++;
        continue;
      }
      seen.add(key);
      tree.add(method, pattern, value);
      const shape = canonical(segs);
      const firstOfKey = routes.find((r) => r.key === shape)?.firstOfKey ?? routes.length;
      routes.push({ method, pattern, segs, value, key: shape, firstOfKey });
    }

    const paths: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const length = 1 + Math.floor(rnd() * 5);
      const parts = Array.from({ length }, () => {
        const r = rnd();
        const word = r < 0.7 ? pickOf(WORDS) : r < 0.85 ? String(Math.floor(rnd() * 1000)) : pickOf(['zz', 'Q1', '']);
        return rnd() < 0.2 ? word.toUpperCase() : word;
      });
      paths.push('/' + parts.join('/') + (rnd() < 0.15 ? '/' : ''));
    }
    return { routes, tree, paths, duplicates, rnd, pickOf };
  }

  test.each([1, 2, 3])('500 routes, 3000 paths (seed %i)', (seed) => {
    const { routes, tree, paths, duplicates, pickOf } = generate(seed);
    expect(duplicates).toBeGreaterThan(0);
    const kinds = { found: 0, 'method-not-allowed': 0, 'not-found': 0 };
    for (const path of paths) {
      const method = pickOf(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
      const actual = tree.find(method, path);
      kinds[actual.kind]++;
      const shown = actual.kind === 'found' ? { kind: 'found', value: actual.value, params: { ...actual.params } } : actual;
      expect(shown, `${method} ${path}`).toEqual(refFind(routes, method, path));
    }
    // The table must exercise every outcome, or it proves little.
    expect(kinds.found).toBeGreaterThan(100);
    expect(kinds['method-not-allowed']).toBeGreaterThan(20);
    expect(kinds['not-found']).toBeGreaterThan(100);
  });
});

describe('static lookup skipped by length', () => {
  // '/ab' (3) and a 35-character route share a length bucket (35 % 32 = 3); '/{p}' takes the rest.
  const long = '/' + 'c'.repeat(34);
  const t = tree([
    ['GET', '/ab'],
    ['GET', long],
    ['GET', '/{p}'],
  ]);

  test('static routes of any length are found, with and without a trailing slash', () => {
    expect(found(t, 'GET', '/ab')).toEqual({ value: 'GET /ab', params: {} });
    expect(found(t, 'GET', '/AB/')).toEqual({ value: 'GET /ab', params: {} });
    expect(found(t, 'GET', long)).toEqual({ value: `GET ${long}`, params: {} });
    expect(found(t, 'GET', `${long}/`)).toEqual({ value: `GET ${long}`, params: {} });
  });

  test('paths of other lengths, or of a static length but no static route, reach the param route', () => {
    expect(found(t, 'GET', '/zz')).toEqual({ value: 'GET /{p}', params: { p: 'zz' } });
    expect(found(t, 'GET', '/abcd')).toEqual({ value: 'GET /{p}', params: { p: 'abcd' } });
    expect(found(t, 'GET', '/' + 'd'.repeat(34))).toEqual({ value: 'GET /{p}', params: { p: 'd'.repeat(34) } });
  });
});
