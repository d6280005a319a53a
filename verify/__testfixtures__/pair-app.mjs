// A tiny node:http app in two variants that differ in known ways, for the
// verify tests. Run directly (`node pair-app.mjs candidate [--die-after N]`)
// it listens on process.env.PORT, as a command target does.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/**
 * Known differences of the candidate:
 * - GET /users/{id}: field `email` changed (example.com -> example.org)
 * - GET /profile: header `cache-control` removed
 * - GET /gone: status 404 -> 410
 * - GET /items: one extra array element
 * - GET /hang: never answered
 * Same on both: /slow (delayed), /same, /noise (ts + requestId are pure noise, also on every JSON route)
 */
export function createApp(variant, { dieAfter } = {}) {
  const candidate = variant === 'candidate';
  let served = 0;
  return http.createServer((req, res) => {
    served++;
    if (dieAfter !== undefined && served > dieAfter) {
      // Simulates a crash mid-run: the process goes away with requests in flight.
      process.exit(3);
    }
    // The path without the query; a fast target (replay-speed.mjs measures against it) skips WHATWG URL parsing.
    const query = req.url.indexOf('?');
    const url = { pathname: query < 0 ? req.url : req.url.slice(0, query) };
    const noise = { ts: String(process.hrtime.bigint()), requestId: randomUUID() };
    const json = (status, body, headers = {}) => {
      const text = JSON.stringify(body);
      // A length, as Express sends: no chunked framing to write and parse.
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    const users = /^\/users\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && users) {
      const id = Number(users[1]);
      return json(200, { id, name: `User ${id}`, email: `user${id}@${candidate ? 'example.org' : 'example.com'}`, ...noise });
    }
    if (req.method === 'POST' && url.pathname === '/users') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => json(201, { created: true, echo: body.length, ...noise }));
      return;
    }
    switch (url.pathname) {
      case '/profile':
        return json(200, { plan: 'pro' }, candidate ? {} : { 'cache-control': 'no-store' });
      case '/gone':
        return json(candidate ? 410 : 404, { error: 'not here' });
      case '/items':
        return json(200, { items: candidate ? ['a', 'b', 'c', 'd'] : ['a', 'b', 'c'], ...noise });
      case '/slow':
        return void setTimeout(() => json(200, { slow: true, ...noise }), 120);
      case '/same':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 10 });
        return res.end('same text\n');
      case '/noise':
        return json(200, { ok: true, ...noise });
      case '/hang':
        // The candidate never answers this one (until the client gives up and closes).
        if (candidate) return;
        return json(200, { ok: true });
      case '/secret':
        return json(200, { token: candidate ? 'cand-secret-token' : 'base-secret-token', user: 'x' });
      default:
        return json(404, { error: 'no route' });
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const variant = process.argv[2] ?? 'baseline';
  const i = process.argv.indexOf('--die-after');
  const dieAfter = i > 0 ? Number(process.argv[i + 1]) : undefined;
  createApp(variant, { dieAfter }).listen(Number(process.env.PORT), '127.0.0.1');
}
