import { afterEach, describe, expect, test, vi } from 'vitest';
import { parsePattern, REDOS_WARNING_CODE, type PatternOptions, type RegexSegment } from './route-pattern.js';

const insensitive: PatternOptions = { caseSensitive: false, ignoreTrailingSlash: true };
const strict: PatternOptions = { caseSensitive: true, ignoreTrailingSlash: false };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? 'not coded';
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('segments', () => {
  test('static, param and regex segments', () => {
    const { segments, paramNames } = parsePattern('/Users/{id}/files/{path:.+}', insensitive);
    expect(segments.map((s) => s.kind)).toEqual(['static', 'param', 'static', 'regex']);
    expect(segments[0]).toEqual({ kind: 'static', text: 'users' });
    expect(paramNames).toEqual(['id', 'path']);
    expect((segments[3] as RegexSegment).tail).toBe(true);
  });

  test('static text keeps its case when case-sensitive', () => {
    expect(parsePattern('/Users', strict).segments[0]).toEqual({ kind: 'static', text: 'Users' });
  });

  test('a regex before the last segment is anchored to its segment, not a tail', () => {
    const seg = parsePattern('/a/{n:\\d+}/b', insensitive).segments[1] as RegexSegment;
    expect(seg.kind).toBe('regex');
    expect(seg.tail).toBe(false);
    expect(seg.re.test('12')).toBe(true);
    expect(seg.re.test('12x')).toBe(false);
    expect(seg.re.test('x12')).toBe(false);
  });

  test('alternations are anchored as a whole', () => {
    const seg = parsePattern('/{v:a|b}', strict).segments[0] as RegexSegment;
    expect(seg.re.test('a')).toBe(true);
    expect(seg.re.test('ab')).toBe(false);
    expect(seg.re.test('xb')).toBe(false);
  });

  test('root and trailing slash', () => {
    expect(parsePattern('/', insensitive).segments).toEqual([{ kind: 'static', text: '' }]);
    expect(parsePattern('/a/', insensitive).segments).toEqual([{ kind: 'static', text: 'a' }]);
    expect(parsePattern('/a/', strict).segments).toEqual([
      { kind: 'static', text: 'a' },
      { kind: 'static', text: '' },
    ]);
  });

  test('a trailing slash after a regex keeps it a tail only when trailing slashes are ignored', () => {
    expect((parsePattern('/f/{p:.+}/', insensitive).segments[1] as RegexSegment).tail).toBe(true);
    expect((parsePattern('/f/{p:.+}/', strict).segments[1] as RegexSegment).tail).toBe(false);
  });

  test('regexes containing braces, escapes, classes and slashes', () => {
    const three = parsePattern('/c/{id:\\d{3}}/x', strict);
    expect(three.paramNames).toEqual(['id']);
    expect(three.segments.map((s) => s.kind)).toEqual(['static', 'regex', 'static']);
    expect((three.segments[1] as RegexSegment).re.test('123')).toBe(true);
    expect((three.segments[1] as RegexSegment).re.test('1234')).toBe(false);

    const cls = parsePattern('/c/{b:[}{]+}', strict).segments[1] as RegexSegment;
    expect(cls.re.test('}{}')).toBe(true);
    const escaped = parsePattern('/c/{b:\\}+}', strict).segments[1] as RegexSegment;
    expect(escaped.re.test('}}')).toBe(true);
    const slash = parsePattern('/c/{p:a/b}', strict);
    expect(slash.segments).toHaveLength(2);
    expect((slash.segments[1] as RegexSegment).re.test('a/b')).toBe(true);
  });

  test('regexes get the i flag only when case-insensitive', () => {
    expect((parsePattern('/{x:[a-z]+}', insensitive).segments[0] as RegexSegment).re.test('ABC')).toBe(true);
    expect((parsePattern('/{x:[a-z]+}', strict).segments[0] as RegexSegment).re.test('ABC')).toBe(false);
  });

  test('equivalent patterns share keys whatever the param names', () => {
    const a = parsePattern('/{a:\\d+}/{x}.{y}', strict).segments as RegexSegment[];
    const b = parsePattern('/{b:\\d+}/{u}.{v}', strict).segments as RegexSegment[];
    expect(a[0]!.key).toBe(b[0]!.key);
    expect(a[1]!.key).toBe(b[1]!.key);
    expect(parsePattern('/{a:\\d+}', strict).segments[0]).not.toEqual(parsePattern('/{a:\\d*}', strict).segments[0]);
  });
});

describe('mixed segments', () => {
  test('static prefix and param', () => {
    const seg = parsePattern('/v{version}', strict).segments[0] as RegexSegment;
    expect(seg.kind).toBe('mixed');
    expect(seg.names).toEqual(['version']);
    expect(seg.tail).toBe(false);
    expect(seg.re.test('v2')).toBe(true);
    expect(seg.re.test('v')).toBe(false);
    expect(seg.re.test('x2')).toBe(false);
  });

  test('static text is matched literally, regex characters included', () => {
    const seg = parsePattern('/{name}.(json)', strict).segments[0] as RegexSegment;
    expect(seg.re.test('a.(json)')).toBe(true);
    expect(seg.re.test('aX(json)')).toBe(false);
  });

  test('a mixed last segment with a regex is a tail', () => {
    const seg = parsePattern('/dl/file-{p:.+}', strict).segments[1] as RegexSegment;
    expect(seg.kind).toBe('mixed');
    expect(seg.tail).toBe(true);
  });

  test('adjacent params are rejected', () => {
    expect(codeOf(() => parsePattern('/{a}{b}', strict))).toBe('EXW_ERR_ROUTE_INVALID_PATTERN');
    expect(messageOf(() => parsePattern('/{a}{b}', strict))).toContain('"/{a}{b}"');
  });
});

describe('invalid patterns', () => {
  test.each([
    ['users', 'must start with "/"'],
    ['', 'must start with "/"'],
    ['/a/{id', 'unclosed "{"'],
    ['/a/{id:\\d{3}', 'unclosed "{"'],
    ['/a/}', 'unexpected "}"'],
    ['/a/{}', 'must be an identifier'],
    ['/a/{1x}', 'must be an identifier'],
    ['/a/{a-b}', 'must be an identifier'],
    ['/a/{id:}', 'empty regex'],
    ['/a/{id}/{id}', 'used twice'],
  ])('%s', (pattern, reason) => {
    expect(codeOf(() => parsePattern(pattern, strict))).toBe('EXW_ERR_ROUTE_INVALID_PATTERN');
    const message = messageOf(() => parsePattern(pattern, strict));
    expect(message).toContain(`"${pattern}"`);
    expect(message).toContain(reason);
  });

  test('a non-string pattern', () => {
    expect(codeOf(() => parsePattern(42 as unknown as string, strict))).toBe('EXW_ERR_ROUTE_INVALID_PATTERN');
  });

  test.each(['/a/{x:(}', '/a/{x:[b-a]}', '/a/{x:a**}', '/f/{p:(?<n>a)(?<n>b)}'])('invalid regex in %s', (pattern) => {
    expect(codeOf(() => parsePattern(pattern, strict))).toBe('EXW_ERR_ROUTE_INVALID_REGEX');
    expect(messageOf(() => parsePattern(pattern, strict))).toContain(`"${pattern}"`);
  });
});

describe('ReDoS warning', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function warningsFor(pattern: string): unknown[][] {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    parsePattern(pattern, strict);
    return spy.mock.calls;
  }

  test.each(['/a/{x:(a+)+}', '/a/{x:(.*)*}', '/a/{x:(\\w+\\s?)*}', '/a/{x:(?:\\d+)*}/b'])('warns for %s', (pattern) => {
    const calls = warningsFor(pattern);
    expect(calls).toHaveLength(1);
    expect(String(calls[0]![0])).toContain(pattern);
    expect(calls[0]![1]).toMatchObject({ code: REDOS_WARNING_CODE });
  });

  test.each(['/a/{x:\\d+}', '/f/{p:.+}', '/a/{x:[a-z]{2,5}}', '/a/{x:(?:a|b)+}', '/a/{id}'])('silent for %s', (pattern) => {
    expect(warningsFor(pattern)).toHaveLength(0);
  });
});
