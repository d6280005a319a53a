/**
 * The named hostile payloads, one list per attack, and the guidance helper
 * for open redirects. test/hardening/payloads.test.ts sends each one and
 * asserts the runtime's answer; docs/RELIABILITY.md lists them.
 */

/** Query strings that try to reach Object.prototype (simple and extended/qs parsers). */
export const QUERY_POLLUTION = [
  '__proto__[polluted]=1',
  '__proto__.polluted=1',
  'constructor[prototype][polluted]=1',
  'constructor.prototype.polluted=1',
  '__proto__[__proto__][polluted]=1',
  'a[__proto__][polluted]=1',
  'a[constructor][prototype][polluted]=1',
  '__proto__=polluted',
  '%5F%5Fproto%5F%5F[polluted]=1',
  '__proto__%5Bpolluted%5D=1',
] as const;

/** JSON bodies that try the same, for ctx.json() and jsonBody(). */
export const JSON_POLLUTION = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
  '[{"__proto__":{"polluted":"yes"}}]',
  '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}}',
] as const;

/** urlencoded bodies, for ctx.form() and formBody() (simple and extended). */
export const FORM_POLLUTION = QUERY_POLLUTION;

/** Request targets that try to leave the static root (sent raw: clients would normalise them). */
export const TRAVERSAL_TARGETS = [
  '/../secret.txt',
  '/../../secret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E/secret.txt',
  '/%2e%2e%2fsecret.txt',
  '/..%2fsecret.txt',
  '/..%2Fsecret.txt',
  '/..%5csecret.txt',
  '/..\\secret.txt',
  '/%2e%2e%5csecret.txt',
  '/.%2e/secret.txt',
  '/%2e./secret.txt',
  '/%252e%252e/secret.txt',
  '/%252e%252e%252fsecret.txt',
  '/....//secret.txt',
  '/..;/secret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/%c0%ae%c0%ae%c0%afsecret.txt',
  '/%uff0e%uff0e/secret.txt',
  '/%00../secret.txt',
  '/..%00/secret.txt',
  '//../secret.txt',
  '/./../secret.txt',
  '/sub/../../secret.txt',
  '/sub/%2e%2e/%2e%2e/secret.txt',
  '/sub%2f..%2f..%2fsecret.txt',
  '/.env',
  '/%2eenv',
  '/sub/.hidden',
] as const;

/** Values a handler might pass from user input to ctx.redirect() or ctx.setCookie(). */
export const HEADER_INJECTION = [
  'x\r\nSet-Cookie: injected=1',
  'x\nSet-Cookie: injected=1',
  'x\rSet-Cookie: injected=1',
  'x\r\n\r\n<html>injected</html>',
  'x\0Set-Cookie: injected=1',
  // U+560D U+560A: bytes 0x0D 0x0A when a server truncates to latin1 (the old node bug).
  'x\u560d\u560aSet-Cookie: injected=1',
  'x\u2028Set-Cookie: injected=1',
  'x%0d%0aSet-Cookie:%20injected=1',
] as const;

/** Redirect targets an attacker would put in ?next=, each leaving the site. */
export const OPEN_REDIRECT_TARGETS = [
  'https://evil.example/',
  '//evil.example/',
  '/\\evil.example/',
  '\\\\evil.example/',
  'https:evil.example',
  '/%2f%2fevil.example',
  ' //evil.example',
  '\t//evil.example',
  'javascript:alert(1)',
  'HTTPS://evil.example',
] as const;

/** Redirect targets that stay on the site. */
export const SAFE_REDIRECT_TARGETS = ['/account', '/a/b?c=d#e', 'relative/path', '/search?q=//not-a-host'] as const;

/**
 * The guidance of docs/RELIABILITY.md for a redirect target taken from user
 * input: resolve it against your own origin and keep it only when it stays
 * on that origin (scheme and host), else fall back. Browsers treat '\\' as
 * '/' and strip tabs and leading spaces; the WHATWG URL parser does the same.
 */
export function sameOriginRedirect(target: string, origin: string, fallback = '/'): string {
  let resolved: URL;
  try {
    resolved = new URL(target, origin);
  } catch {
    return fallback;
  }
  if (resolved.origin !== new URL(origin).origin) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/** User regex routes with nested quantifiers (star height > 1): each must warn at registration. */
export const REDOS_ROUTE_PATTERNS = ['/r/{x:(a+)+}', '/r/{x:(a*)*b}', '/r/{x:(.*)*}', '/r/{x:(\\w+\\s?)+}', '/r/{x:([a-z]+)*$}'] as const;

/** Safe user regex routes: no warning. */
export const SAFE_ROUTE_PATTERNS = ['/s/{x:[a-z]+}', '/s/{x:\\d{1,6}}', '/s/{path:.+}', '/s/{x:(foo|bar)}'] as const;
