import { describe, expect, it } from 'vitest';
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
