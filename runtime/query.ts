/**
 * Query string parsing. Both parsers return objects without a prototype,
 * so `?__proto__[x]=1` or `?constructor=...` cannot reach Object.prototype:
 * 'simple' is node's querystring (what Express 5 uses), 'extended' is qs
 * with Express 4's nesting rules, plainObjects on and prototype keys dropped.
 */
import querystring from 'node:querystring';
import qs from 'qs';
import type { QueryParser } from './options.js';

export type Query = Record<string, unknown>;

export function parseQuery(search: string, parser: QueryParser): Query {
  if (search === '') return Object.create(null) as Query;
  if (parser === 'simple') return querystring.parse(search) as Query;
  if (parser === 'extended') return parseExtended(search);
  const custom = parser(search);
  return custom;
}

/**
 * qs as Express 4's 'extended' parser, but prototype-free. qs parses into
 * plain objects first, because only then does `allowPrototypes: false` drop
 * the keys Object.prototype has (`constructor[prototype][x]`, `toString`), as
 * Express 4 does; the result is then copied onto null-prototype objects.
 */
export function parseExtended(search: string): Query {
  const parsed = qs.parse(search, { allowPrototypes: false, depth: 5, arrayLimit: 20, parameterLimit: 1000 });
  return withoutPrototypes(parsed) as Query;
}

function withoutPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) out[key] = withoutPrototypes((value as Record<string, unknown>)[key]);
  return out;
}
