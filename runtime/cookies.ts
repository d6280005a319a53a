/**
 * Cookies: parsing the Cookie header, signed-cookie verification and
 * Set-Cookie serialisation, compatible with Express (cookie-parser's
 * `s:<value>.<signature>` format, res.cookie's options: maxAge in ms).
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import signature from 'cookie-signature';
import { runtimeErrors } from './codes.js';

export type Cookies = Record<string, string | undefined>;

export interface CookieOptions {
  /** Lifetime in milliseconds, as Express's res.cookie (sets Max-Age and Expires). */
  maxAge?: number;
  expires?: Date;
  /** Default '/'. */
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  priority?: 'low' | 'medium' | 'high';
  partitioned?: boolean;
  /** Sign the value with the first cookieSecret (read back with ctx.signedCookie). */
  signed?: boolean;
  /** Value encoder; default encodeURIComponent. */
  encode?: (value: string) => string;
}

/** Parses a Cookie header into a prototype-free object. */
export function parseCookieHeader(header: string | undefined): Cookies {
  if (header === undefined || header === '') return Object.create(null) as Cookies;
  return parseCookie(header);
}

/**
 * The value of a signed cookie: the unsigned string, `false` when the
 * signature does not verify with any secret, `undefined` when absent or not signed.
 */
export function unsignCookie(raw: string | undefined, secrets: readonly string[]): string | false | undefined {
  if (raw === undefined || !raw.startsWith('s:')) return undefined;
  if (secrets.length === 0) throw runtimeErrors.EXW_ERR_COOKIE_NO_SECRET();
  const signed = raw.slice(2);
  for (const secret of secrets) {
    const value = signature.unsign(signed, secret);
    if (value !== false) return value;
  }
  return false;
}

/** All signed cookies that verify, like cookie-parser's req.signedCookies. */
export function signedCookiesOf(cookies: Cookies, secrets: readonly string[]): Record<string, string | false> {
  const out = Object.create(null) as Record<string, string | false>;
  if (secrets.length === 0) return out;
  for (const name of Object.keys(cookies)) {
    const value = unsignCookie(cookies[name], secrets);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** One Set-Cookie header value. */
export function serializeSetCookie(name: string, value: string, options: CookieOptions, secrets: readonly string[]): string {
  let val = value;
  if (options.signed) {
    if (secrets.length === 0) throw runtimeErrors.EXW_ERR_COOKIE_NO_SECRET();
    val = 's:' + signature.sign(val, secrets[0]!);
  }
  let expires = options.expires;
  let maxAge: number | undefined;
  if (options.maxAge !== undefined) {
    expires = new Date(Date.now() + options.maxAge);
    maxAge = Math.floor(options.maxAge / 1000);
  }
  return stringifySetCookie(name, val, {
    path: options.path ?? '/',
    domain: options.domain,
    expires,
    maxAge,
    secure: options.secure,
    httpOnly: options.httpOnly,
    sameSite: options.sameSite,
    priority: options.priority,
    partitioned: options.partitioned,
    encode: options.encode,
  });
}

/** The Set-Cookie value that deletes a cookie (same path/domain as when set). */
export function serializeClearCookie(name: string, options: CookieOptions): string {
  const { maxAge: _maxAge, signed: _signed, ...rest } = options;
  return stringifySetCookie(name, '', { ...rest, path: options.path ?? '/', expires: new Date(0) });
}
