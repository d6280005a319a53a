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

/** qs as Express 4's 'extended' parser, but prototype-free. */
export function parseExtended(search: string): Query {
  return qs.parse(search, { plainObjects: true, allowPrototypes: false, depth: 5, arrayLimit: 20, parameterLimit: 1000 }) as Query;
}
