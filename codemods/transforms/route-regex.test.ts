/**
 * Regex routes with one-segment captures (route-regex.ts): the runtime paths
 * match exactly the URLs the Express regex matches, with the same captures,
 * checked on the real runtime router against the regex itself.
 */
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { Server } from '../../runtime/index.js';
import { convertSegmentCaptureRegex } from './route-regex.js';

const URLS = [
  '/archive/2026', '/archive/2026/', '/archive/2026/02', '/archive/2026/02/', '/archive/26', '/archive/2026/2',
  '/archive/2026/02/x', '/archive/abcd', '/archive', '/archive/', '/archive/2026/022', '/v1/users/ab-c_9', '/v1/users/ab-c_9/7',
  '/v1/users/a.b', '/v1/users/x/y/z',
];
// Not listed: '//' (the runtime collapses duplicate slashes for every route, docs/runtime.md "Paths and security").

const PATTERNS = [
  String.raw`^\/archive\/(\d{4})(?:\/(\d{2}))?\/?$`,
  String.raw`^\/archive\/(\d{4})\/(\d{2})\/?$`,
  String.raw`^\/v1\/users\/([\w-]+)(?:\/(\d+))?\/?$`,
];

/** What Express 4 does with a regex route: test it on the path, captures become req.params[0..n]. */
function expressMatch(pattern: string, url: string): Record<string, string | undefined> | null {
  const m = new RegExp(pattern).exec(url);
  return m ? Object.fromEntries(m.slice(1).map((v, i) => [String(i), v])) : null;
}

describe('regex routes with one-segment captures', () => {
  for (const pattern of PATTERNS) {
    it(`/${pattern}/ matches like Express`, async () => {
      const converted = convertSegmentCaptureRegex(pattern, '');
      expect(converted?.ok).toBe(true);
      if (!converted?.ok) return;
      const server = new Server();
      for (const path of converted.paths) {
        server.get(path, (ctx) => {
          const params = ctx.params as Record<string, string | undefined>;
          ctx.json(Object.fromEntries([...converted.indexNames].map(([i, name]) => [String(i), params[name]])));
        });
      }
      for (const url of URLS) {
        const express = expressMatch(pattern, url);
        const res = await request(server.handler).get(url);
        const runtime = res.status === 200 ? res.body : null;
        // JSON drops undefined captures; Express's req.params[1] is undefined there too.
        const expected = express && Object.fromEntries(Object.entries(express).filter(([, v]) => v !== undefined));
        expect({ url, match: runtime }).toEqual({ url, match: expected });
      }
    });
  }

  it('refuses what it cannot prove', () => {
    expect(convertSegmentCaptureRegex(String.raw`^\/a\/(\d+)(?:\/(\d+))?$`, '')).toBeNull(); // no trailing \/? : /a/1/ differs
    expect(convertSegmentCaptureRegex(String.raw`^\/a\/(.*)\/(\d+)\/?$`, '')).toBeNull(); // . may match /
    expect(convertSegmentCaptureRegex(String.raw`^\/a\/([^x]+)\/?$`, '')).toBeNull(); // a negated class may match /
    expect(convertSegmentCaptureRegex(String.raw`^\/a\/(\d+)\/?$`, 'g')).toBeNull();
    expect(convertSegmentCaptureRegex(String.raw`\/a\/(\d+)\/?$`, '')).toBeNull(); // unanchored
  });
});
