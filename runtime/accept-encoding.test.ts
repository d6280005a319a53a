/**
 * negotiateEncoding side by side with negotiator 0.6.x, the version
 * compression 1.8 runs (loaded from compression's own node_modules), with
 * compression's available and preferred lists, on hand-picked and random
 * Accept-Encoding headers.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { negotiateEncoding } from './accept-encoding.js';

const fromCompression = createRequire(createRequire(import.meta.url).resolve('compression'));
const Negotiator = fromCompression('negotiator') as new (req: { headers: Record<string, string | undefined> }) => {
  encoding(available: string[], preferred: string[]): string | undefined;
};
const AVAILABLE = ['br', 'gzip', 'deflate', 'identity'];
const PREFERRED = ['br', 'gzip'];

function theirs(header: string | undefined): string | undefined {
  return new Negotiator({ headers: { 'accept-encoding': header } }).encoding(AVAILABLE, PREFERRED);
}

describe('negotiateEncoding (negotiator 0.6 semantics)', () => {
  it('loads negotiator 0.6, not the project 1.x', () => {
    expect((fromCompression('negotiator/package.json') as { version: string }).version).toMatch(/^0\.6\./);
  });

  it('agrees on hand-picked headers', () => {
    const headers = [
      undefined, '', 'gzip', 'br', 'deflate', 'identity', '*', 'gzip, deflate, br', 'gzip, deflate, br, zstd', 'deflate, gzip',
      'gzip;q=0.5, br;q=0.4', 'br;q=0, *', 'identity;q=0', '*;q=0', 'gzip;q=0, identity;q=0', 'GZIP', 'Br', 'x-foo',
      'gzip;q=abc', 'gzip ; q=0.8 , deflate', ' gzip', 'gzip;level=1;q=0.2, deflate;q=0.3', 'gzip;q=1.0, *;q=0.5',
      'deflate;q=1, gzip;q=1', 'compress, gzip', ',,gzip,,', ';q=1', 'gzip;q=', '*, identity;q=0', 'br;q=0.9, gzip;q=0.9, deflate;q=1',
    ];
    for (const header of headers) expect([header, negotiateEncoding(header, AVAILABLE, PREFERRED)]).toEqual([header, theirs(header)]);
  });

  it('agrees on random headers', () => {
    const names = ['gzip', 'br', 'deflate', 'identity', '*', 'GZip', 'x', 'compress', ''];
    const qs = ['', ';q=0', ';q=1', ';q=0.5', ';q=0.50', ';q=0.001', ';q=x', '; q=0.3', ';foo=bar;q=0.7', ';q=0.5;q=0.9'];
    let seed = 42;
    const pick = <T>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[seed % list.length]!;
    };
    for (let n = 0; n < 1500; n++) {
      const parts = Array.from({ length: 1 + (n % 5) }, () => pick(names) + pick(qs));
      const header = parts.join(pick([',', ', ', ' ,']));
      expect([header, negotiateEncoding(header, AVAILABLE, PREFERRED)]).toEqual([header, theirs(header)]);
    }
  });
});
