/**
 * Optional, named normalisers for the differences Express makes by default
 * and a migrated app may not: they rewrite both answers before comparison,
 * so what they hide is hidden on both sides alike.
 */
import type { Captured } from './diff.js';
import { VerifyErrors } from './errors.js';

type Normaliser = (c: Captured) => Captured;

const dropHeader =
  (lower: string): Normaliser =>
  (c) => ({ ...c, headers: c.headers.filter(([name]) => name.toLowerCase() !== lower) });

const NORMALISERS = {
  /** Express sends `X-Powered-By: Express`. */
  'x-powered-by': dropHeader('x-powered-by'),
  /** ETags depend on the generator (weak/strong, hash function), not on the content contract. */
  etag: dropHeader('etag'),
  /** The Date header changes every second. */
  date: dropHeader('date'),
  /** Header names are case-insensitive in HTTP; compare them lower-cased. */
  'header-case': (c: Captured): Captured => ({ ...c, headers: c.headers.map(([n, v]) => [n.toLowerCase(), v]) }),
  /** `; charset=utf-8` on a Content-Type is the default for JSON and most text: drop it. */
  charset: (c: Captured): Captured => ({
    ...c,
    headers: c.headers.map(([n, v]) =>
      n.toLowerCase() === 'content-type' ? [n, v.replace(/\s*;\s*charset\s*=\s*"?utf-8"?/i, '')] : [n, v],
    ),
  }),
} satisfies Record<string, Normaliser>;

export type NormaliserName = keyof typeof NORMALISERS;
export const NORMALISER_NAMES = Object.keys(NORMALISERS) as NormaliserName[];

/** Validates names (accepting `all`) and returns one function applying them in order. */
export function buildNormaliser(names: readonly string[]): { names: NormaliserName[]; apply: Normaliser } {
  const chosen: NormaliserName[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'all') {
      chosen.push(...NORMALISER_NAMES);
      continue;
    }
    if (!(name in NORMALISERS)) throw VerifyErrors.EXW_ERR_VERIFY_NORMALISER(raw, [...NORMALISER_NAMES, 'all'].join(', '));
    chosen.push(name as NormaliserName);
  }
  const unique = [...new Set(chosen)];
  const fns = unique.map((n) => NORMALISERS[n]);
  return { names: unique, apply: (c) => fns.reduce((acc, fn) => fn(acc), c) };
}
