import { describe, expect, it } from 'vitest';
import { decodeParam, normalizePath, routingPath } from './normalize-path.js';

describe('normalizePath', () => {
  it('leaves clean paths untouched', () => {
    expect(normalizePath('/users/42')).toBe('/users/42');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('/a/b/')).toBe('/a/b/');
  });

  it('decodes percent-encoding once', () => {
    expect(normalizePath('/%61dmin')).toBe('/admin');
    expect(normalizePath('/caf%C3%A9')).toBe('/café');
    // %2525 is the literal text "%25": decoded once, it stays "%25" (kept escaped as %2525 in the path)
    expect(normalizePath('/a%2525b')).toBe('/a%2525b');
    expect(decodeParam('a%2525b')).toBe('a%25b');
  });

  it('keeps %2F encoded so it never creates a segment', () => {
    expect(normalizePath('/files/a%2Fb')).toBe('/files/a%2Fb');
    expect(normalizePath('/files/a%2fb')).toBe('/files/a%2Fb');
    expect(decodeParam('a%2Fb')).toBe('a/b');
    expect(decodeParam('100%25')).toBe('100%');
  });

  it('collapses duplicate slashes and resolves dot segments without escaping the root', () => {
    expect(normalizePath('//admin')).toBe('/admin');
    expect(normalizePath('/a//b///c')).toBe('/a/b/c');
    expect(normalizePath('/a/./b')).toBe('/a/b');
    expect(normalizePath('/a/b/../c')).toBe('/a/c');
    expect(normalizePath('/../../etc/passwd')).toBe('/etc/passwd');
    expect(normalizePath('/%2e%2e/%2E%2E/admin')).toBe('/admin');
    expect(normalizePath('/a/..')).toBe('/');
  });

  it('rejects NUL and malformed encodings with coded 400 errors', () => {
    expect(() => normalizePath('/a%00b')).toThrow(expect.objectContaining({ code: 'EXW_ERR_PATH_NUL', status: 400 }));
    expect(() => normalizePath('/a%zzb')).toThrow(expect.objectContaining({ code: 'EXW_ERR_PATH_MALFORMED', status: 400 }));
    expect(() => normalizePath('/a%C3')).toThrow(expect.objectContaining({ code: 'EXW_ERR_PATH_MALFORMED' }));
    expect(() => normalizePath('/a%')).toThrow(expect.objectContaining({ code: 'EXW_ERR_PATH_MALFORMED' }));
  });

  it('accepts absolute-form and asterisk-form targets and refuses other non-paths', () => {
    expect(normalizePath('http://example.com/x/y')).toBe('/x/y');
    expect(normalizePath('http://example.com')).toBe('/');
    expect(normalizePath('*')).toBe('*');
    expect(() => normalizePath('foo')).toThrow(expect.objectContaining({ code: 'EXW_ERR_PATH_INVALID' }));
  });

  it('routingPath drops a trailing slash only when asked', () => {
    expect(routingPath('/a/', true)).toBe('/a');
    expect(routingPath('/a/', false)).toBe('/a/');
    expect(routingPath('/', true)).toBe('/');
  });
});
