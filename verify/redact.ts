/**
 * Secret redaction for stored traffic and reports. Headers are redacted by
 * name (cookies keep their names and attributes, lose their values); JSON
 * fields by key name anywhere in a body; query parameters by the same names.
 * Redaction is on by default: a recording or a report never holds a bearer
 * token unless the user asked for it.
 */
import type { Exchange, HeaderMap } from './traffic.js';

export const REDACTED = '[REDACTED]';

export const DEFAULT_REDACT_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
export const DEFAULT_REDACT_FIELDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'client_secret',
];

export interface RedactOptions {
  /** Header names (any case) whose values are replaced. Defaults to DEFAULT_REDACT_HEADERS. */
  headers?: string[];
  /** JSON keys and query parameters (any case) whose values are replaced. Defaults to DEFAULT_REDACT_FIELDS. */
  fields?: string[];
}

export interface Redactor {
  header(name: string, value: string): string;
  headers(headers: HeaderMap): HeaderMap;
  /** Redacts a JSON value in place-free fashion (returns a copy when something changed). */
  json(value: unknown): unknown;
  /** True when a JSON key (or pointer segment) names a secret field. */
  isSecretField(key: string): boolean;
  url(url: string): string;
  /** Redacts a text body when it is JSON or a form; other text is returned as is. */
  text(body: string, contentType: string | undefined): string;
  exchange(exchange: Exchange): Exchange;
}

/** Builds a redactor; `false` gives one that changes nothing (for `--no-redact`). */
export function createRedactor(options: RedactOptions | false = {}): Redactor {
  if (options === false) return identityRedactor;
  const headerNames = new Set((options.headers ?? DEFAULT_REDACT_HEADERS).map((h) => h.toLowerCase()));
  const fieldNames = new Set((options.fields ?? DEFAULT_REDACT_FIELDS).map((f) => f.toLowerCase()));
  const isSecretField = (key: string) => fieldNames.has(key.toLowerCase());

  const header = (name: string, value: string): string => {
    const lower = name.toLowerCase();
    if (!headerNames.has(lower)) return value;
    if (lower === 'cookie') return redactCookieHeader(value);
    if (lower === 'set-cookie') return redactSetCookie(value);
    return REDACTED;
  };

  const headers = (map: HeaderMap): HeaderMap => {
    const out: HeaderMap = {};
    for (const [name, value] of Object.entries(map)) {
      out[name] = Array.isArray(value) ? value.map((v) => header(name, v)) : header(name, value);
    }
    return out;
  };

  const json = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(json);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = isSecretField(k) && v !== null ? REDACTED : json(v);
      return out;
    }
    return value;
  };

  const url = (raw: string): string => {
    const q = raw.indexOf('?');
    if (q < 0) return raw;
    return raw.slice(0, q + 1) + redactForm(raw.slice(q + 1), isSecretField);
  };

  const text = (body: string, contentType: string | undefined): string => {
    const type = (contentType ?? '').toLowerCase();
    if (type.includes('json') || (!type && /^\s*[[{]/.test(body))) {
      try {
        return JSON.stringify(json(JSON.parse(body)));
      } catch {
        return body;
      }
    }
    if (type.includes('application/x-www-form-urlencoded')) return redactForm(body, isSecretField);
    return body;
  };

  const exchange = (x: Exchange): Exchange => {
    const out: Exchange = { ...x, request: { ...x.request, url: url(x.request.url), headers: headers(x.request.headers) } };
    if (x.request.body !== undefined && x.request.bodyEncoding !== 'base64') {
      out.request.body = text(x.request.body, headerValue(x.request.headers, 'content-type'));
    }
    if (x.response) {
      out.response = { ...x.response, headers: headers(x.response.headers) };
      if (x.response.body !== undefined && x.response.bodyEncoding !== 'base64') {
        out.response.body = text(x.response.body, headerValue(x.response.headers, 'content-type'));
      }
    }
    return out;
  };

  return { header, headers, json, isSecretField, url, text, exchange };
}

const identityRedactor: Redactor = {
  header: (_n, v) => v,
  headers: (h) => h,
  json: (v) => v,
  isSecretField: () => false,
  url: (u) => u,
  text: (b) => b,
  exchange: (x) => x,
};

/** First value of a header, looked up case-insensitively. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function redactCookieHeader(value: string): string {
  return value
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join(';');
}

function redactSetCookie(value: string): string {
  // Only the first pair is the cookie; the attributes after it (Path, HttpOnly, ...) are not secret.
  const semi = value.indexOf(';');
  const first = semi < 0 ? value : value.slice(0, semi);
  const eq = first.indexOf('=');
  const redacted = eq < 0 ? REDACTED : `${first.slice(0, eq)}=${REDACTED}`;
  return semi < 0 ? redacted : redacted + value.slice(semi);
}

function redactForm(query: string, isSecret: (key: string) => boolean): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is not a secret name; keep the raw key.
      }
      return isSecret(key) ? `${pair.slice(0, eq)}=${encodeURIComponent(REDACTED)}` : pair;
    })
    .join('&');
}
