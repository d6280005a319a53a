/**
 * The shadow proxy: a live reverse proxy whose clients always get the
 * primary's answer, streamed byte for byte, while safe requests are mirrored
 * to the candidate off the hot path and the two answers compared.
 *
 * Hot path: one upstream request through undici's dispatch, the answer's
 * chunks written to the client as they come and copied for the comparison
 * (bounded). The mirror runs after the primary answer ended, through a
 * bounded queue with a fixed number of workers and a deadline per request,
 * so a slow, hanging or dead candidate costs the client nothing: jobs are
 * dropped and counted instead. A candidate that stopped answering trips a
 * circuit breaker (shadow-breaker.ts): no mirror request is sent to it,
 * only a probe now and then, since even failed requests cost the proxy's
 * event loop a socket close and reconnect each.
 *
 * Progressive cutover answers chosen routes (or a percentage of requests)
 * from the candidate. For safe methods the candidate answer is buffered
 * first, so a 5xx, reset or timeout falls back to the primary before a byte
 * reaches the client.
 */
import http from 'node:http';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import type { Report, ReportRequest } from './report-model.js';
import { RouteMatcher } from './route-template.js';
import { createComparer, headerPairs, type ComparedAnswer } from './shadow-compare.js';
import { ShadowErrors } from './shadow-errors.js';
import { SAFE_METHODS, resolveOptions, type ShadowOptions } from './shadow-options.js';
import {
  UpstreamError,
  forwardRequestHeaders,
  forwardResponseHeaders,
  requestBuffered,
  upstreamPath,
  type Target,
  type UpstreamFailure,
} from './shadow-forward.js';
import { createMirrorQueue, type MirrorQueue } from './shadow-queue.js';
import { createLoadGuard } from './shadow-load.js';
import { createCandidateBreaker, type BreakerTicket } from './shadow-breaker.js';
import { RuleSet, validateRules, type NoiseRules } from './noise.js';
import type { RawDifference } from './diff.js';
import { pathOf } from './shadow-routes.js';
import { ShadowStats, type ServedBy, type ShadowSnapshot } from './shadow-stats.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { tunnelUpgrade } from './shadow-upgrade.js';
import { Readable, type Duplex } from 'node:stream';

const debug = debuglog('expressway:shadow');

export { SAFE_METHODS, type ShadowOptions } from './shadow-options.js';

export interface ShadowProxy {
  url: string;
  port: number;
  stats(): ShadowSnapshot;
  report(): Report;
  /** Stops listening, lets the mirror drain, closes the log, writes and returns the final report. */
  stop(): Promise<Report>;
}

interface MirrorJob {
  route: string;
  request: ReportRequest;
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer | undefined;
  primary: ComparedAnswer;
}

interface LogEntry {
  ts: string;
  method: string;
  url: string;
  route: string;
  status: number;
  servedBy: ServedBy;
  durationMs: number;
  fallbackReason?: string;
}

export async function startShadow(options: ShadowOptions): Promise<ShadowProxy> {
  const cfg = resolveOptions(options);
  const stats = new ShadowStats();
  const compare = options.compare ?? createComparer(cfg.headers, cfg.redactor);
  const matcher = new RouteMatcher(options.routes ?? []);
  const routeCache = new Map<string, string>();
  const log: WriteStream | undefined = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  log?.on('error', (err) => debug('log write failed: %s', err.message));

  const routeOf = (method: string, url: string): string => {
    // Inference builds a small trie per path; the cache keeps that off the hot path for repeated paths.
    const cacheKey = `${method} ${pathOf(url)}`;
    let key = routeCache.get(cacheKey);
    if (key === undefined) {
      key = matcher.match(method, url).key;
      if (routeCache.size >= 10_000) routeCache.clear();
      routeCache.set(cacheKey, key);
    }
    return key;
  };

  const guard = createLoadGuard(options.maxMirrorLagMs ?? 100);
  const noise = toRuleSet(options.rules);
  const withoutNoise = (route: string, diffs: RawDifference[]): RawDifference[] => {
    if (!noise || diffs.length === 0) return diffs;
    return diffs.filter((d) => {
      if (!noise.ignores(route, d.path)) return true;
      stats.noise(route, d.path);
      return false;
    });
  };
  /** Client requests being answered; the mirror waits for a gap between them (see shadow-queue.ts). */
  let clientsInFlight = 0;
  const queue: MirrorQueue<MirrorJob> = createMirrorQueue({
    capacity: cfg.queueSize,
    concurrency: cfg.concurrency,
    run: runMirror,
    yieldTo: { busy: () => clientsInFlight > 0, maxWaitMs: cfg.mirrorYieldMs },
  });
  const breaker = createCandidateBreaker({
    failures: cfg.breakerFailures,
    cooldownMs: cfg.breakerCooldownMs,
    // Jobs queued for a candidate that stopped answering would only hold sockets until their deadline.
    onOpen: () => {
      debug('candidate stopped answering: circuit breaker open for %d ms', cfg.breakerCooldownMs);
      for (const job of queue.clear()) notSent(job.route, job.request);
    },
  });
  /** A mirror request the breaker kept from the candidate: lost, but not the candidate's failure (never sent). */
  const notSent = (route: string, request: ReportRequest) => {
    breaker.countSkipped();
    stats.lost(route, request, 'not-replayed', 'candidate circuit breaker open (it stopped answering); not sent');
  };
  /** Counts a failed candidate request (mirror or cutover) in the stats and in the breaker; returns why it failed. */
  const candidateFailed = (err: unknown, ticket: BreakerTicket): UpstreamFailure => {
    const reason = err instanceof UpstreamError ? err.reason : 'connection';
    if (reason === 'timeout') stats.candidateErrors.timeout++;
    else if (reason === 'connection') stats.candidateErrors.connection++;
    // A too-large answer is still an answer.
    if (reason === 'too-large') breaker.succeeded(ticket);
    else breaker.failed(ticket);
    return reason;
  };

  async function runMirror(job: MirrorJob): Promise<void> {
    const ticket = breaker.take();
    if (!ticket) {
      notSent(job.route, job.request);
      return;
    }
    try {
      const answer = await requestBuffered(cfg.candidate, {
        method: job.method,
        url: job.url,
        rawHeaders: job.rawHeaders,
        body: job.body,
        timeoutMs: cfg.mirrorTimeoutMs,
        maxBytes: cfg.maxCompareBytes,
      });
      breaker.succeeded(ticket);
      if (answer.status >= 500) stats.candidateErrors.status5xx++;
      // Compared after the I/O callbacks of this turn: clients' requests read with this answer go first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const diffs = compare(job.primary, { status: answer.status, headers: headerPairs(answer.rawHeaders), body: answer.body });
      stats.compared(job.route, job.request, withoutNoise(job.route, diffs));
    } catch (err) {
      const reason = candidateFailed(err, ticket);
      stats.lost(job.route, job.request, reason === 'timeout' ? 'timeout' : reason === 'connection' ? 'connection' : 'not-replayed', (err as Error).message);
    }
  }

  const writeLog = (req: http.IncomingMessage, route: string, status: number, servedBy: ServedBy, started: number, fallbackReason?: string) => {
    if (!log) return;
    const entry: LogEntry = {
      ts: new Date().toISOString(),
      method: req.method ?? 'GET',
      url: cfg.redactor.url(req.url ?? '/'),
      route,
      status,
      servedBy,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (fallbackReason) entry.fallbackReason = fallbackReason;
    log.write(JSON.stringify(entry) + '\n');
  };

  const mirrorSkipped = (route: string, req: http.IncomingMessage, id: string) => {
    stats.skipped(route, { id, method: req.method ?? 'GET', url: cfg.redactor.url(req.url ?? '/') });
  };

  /**
   * Streams a request to `target` and its answer to the client. `body` is the
   * already-read request body (fallback); otherwise the client's stream is piped.
   * When `tee` is set, the exchange is copied (bounded) and handed to it at the end.
   *
   * The upstream request goes through undici's low-level dispatch (the
   * target's keep-alive Pool): the answer comes as raw header bytes and body
   * chunks, each written to the client as it arrives (backpressure pauses the
   * upstream socket), with no ClientRequest, IncomingMessage or pipe in
   * between: the whole proxy spends 10-15% less CPU per request than with
   * node:http's client (bench/shadow-latency.ts), and on a core shared with
   * the primary that CPU is client latency.
   */
  function streamThrough(
    target: Target,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer | undefined,
    tee: ((answer: ComparedAnswer | undefined, requestBody: Buffer | undefined) => void) | undefined,
    done: (status: number) => void,
  ): void {
    // A request without a body can be sent again as is: used when a reused keep-alive socket turns out closed.
    const replayable = body !== undefined || !hasBody(req);
    let requestCopy: Buffer[] | undefined;
    let requestSize = 0;
    let tooLarge = false;
    let responded = false;
    /** The primary's status once its headers came. */
    let status = 0;
    let abort: ((reason: Error) => void) | undefined;
    // A client that goes away takes its upstream request with it.
    res.once('close', () => {
      if (!res.writableFinished) abort?.(new Error('the client went away'));
    });
    /** The client's body, copied (bounded) for the mirror as undici reads it: a 'data' listener would start the flow before undici listens. */
    async function* copiedBody(): AsyncGenerator<Buffer> {
      requestCopy = [];
      for await (const chunk of req as AsyncIterable<Buffer>) {
        requestSize += chunk.length;
        if (requestSize > cfg.maxCompareBytes) tooLarge = true;
        else requestCopy.push(chunk);
        yield chunk;
      }
    }

    const attempt = (retriesLeft: number) => {
      let rawHeaders: string[] = [];
      let copy: Buffer[] | undefined = tee ? [] : undefined;
      let size = 0;
      let resume: (() => void) | undefined;
      const onDrain = () => resume?.();
      try {
        target.pool.dispatch(
          {
            method: req.method ?? 'GET',
            path: upstreamPath(target, req.url ?? '/'),
            headers: forwardRequestHeaders(req.rawHeaders, target),
            body: replayable ? (body ?? null) : tee ? Readable.from(copiedBody(), { objectMode: false }) : req,
          },
          {
            onConnect: (abortRequest: (reason: Error) => void) => {
              if (res.destroyed) abortRequest(new Error('the client went away'));
              else abort = abortRequest;
            },
            onHeaders: (statusCode: number, raw: Buffer[], resumeUpstream: () => void, statusText: string) => {
              // An interim answer (103 Early Hints, 102) is not the answer: wait for the final one.
              if (statusCode < 200) return true;
              responded = true;
              status = statusCode;
              resume = resumeUpstream;
              rawHeaders = latin1(raw);
              res.writeHead(statusCode, statusText, forwardResponseHeaders(rawHeaders));
              return true;
            },
            onData: (chunk: Buffer) => {
              if (copy) {
                size += chunk.length;
                if (size > cfg.maxCompareBytes) {
                  tooLarge = true;
                  copy = undefined;
                } else copy.push(chunk);
              }
              if (res.write(chunk)) return true;
              // The client reads slower than the primary sends: pause the upstream socket until it drains.
              res.once('drain', onDrain);
              return false;
            },
            onComplete: () => {
              res.end();
              done(status);
              if (!tee) return;
              if (tooLarge || !copy) {
                tee(undefined, undefined);
                return;
              }
              const requestBody = body ?? (requestCopy && requestCopy.length > 0 ? Buffer.concat(requestCopy) : undefined);
              tee({ status, headers: headerPairs(rawHeaders), body: Buffer.concat(copy, size) }, requestBody);
            },
            onError: (err: Error & { code?: string }) => upstreamFailed(err, retriesLeft),
          },
        );
      } catch (err) {
        upstreamFailed(err as Error, 0);
      }
    };

    const upstreamFailed = (err: Error & { code?: string }, retriesLeft: number) => {
      if (res.destroyed) {
        // The client went away (and took the upstream request with it): not the upstream's failure.
        if (responded) done(status);
        return;
      }
      // The server closed an idle keep-alive socket just as it was reused: try once more on a fresh one.
      if (!responded && replayable && retriesLeft > 0 && (err.code === 'UND_ERR_SOCKET' || err.code === 'ECONNRESET')) {
        debug('%s %s retried on a fresh socket: %s', req.method, req.url, err.message);
        attempt(retriesLeft - 1);
        return;
      }
      debug('%s %s upstream error: %s', req.method, req.url, err.message);
      if (target === cfg.primary) stats.primaryErrors++;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`expressway shadow: upstream ${target.host} failed (${err.message})\n`);
        done(502);
      } else res.destroy();
    };

    attempt(1);
  }

  function servePrimary(req: http.IncomingMessage, res: http.ServerResponse, route: string, started: number): void {
    const method = req.method ?? 'GET';
    const id = stats.nextId();
    const mirror = cfg.mirrored.has(method);
    if (!mirror) mirrorSkipped(route, req, id);
    const url = req.url ?? '/';
    const rawHeaders = req.rawHeaders;
    streamThrough(
      cfg.primary,
      req,
      res,
      undefined,
      mirror
        ? (answer, body) => {
            const request = { id, method, url: cfg.redactor.url(url) };
            if (!answer) {
              stats.lost(route, request, 'not-replayed', `larger than the comparison limit (${cfg.maxCompareBytes} bytes); not compared`);
              return;
            }
            if (guard.shedding) {
              guard.countShed();
              stats.lost(route, request, 'not-replayed', `mirror shed: the proxy's event loop lags ${guard.lagMs} ms`);
              return;
            }
            if (!breaker.admits()) {
              notSent(route, request);
              return;
            }
            if (!queue.push({ route, request, method, url, rawHeaders, body, primary: answer })) {
              stats.lost(route, request, 'not-replayed', 'mirror queue full; dropped');
            }
          }
        : undefined,
      (status) => {
        stats.served(route, 'primary');
        writeLog(req, route, status, 'primary', started);
      },
    );
  }

  function fallBack(req: http.IncomingMessage, res: http.ServerResponse, route: string, body: Buffer | undefined, started: number, reason: string): void {
    debug('fallback to primary for %s %s: %s', req.method, req.url, reason);
    streamThrough(cfg.primary, req, res, body ?? Buffer.alloc(0), undefined, (status) => {
      stats.served(route, 'primary-fallback');
      writeLog(req, route, status, 'primary-fallback', started, reason);
    });
  }

  async function serveCandidate(req: http.IncomingMessage, res: http.ServerResponse, route: string, started: number): Promise<void> {
    const method = req.method ?? 'GET';
    if (!(SAFE_METHODS as readonly string[]).includes(method)) {
      // A write cannot be replayed to the primary once the candidate saw it: stream it, no fallback.
      streamThrough(cfg.candidate, req, res, undefined, undefined, (status) => {
        stats.served(route, 'candidate');
        writeLog(req, route, status, 'candidate', started);
      });
      return;
    }
    let body: Buffer | undefined;
    try {
      body = await readBody(req, cfg.maxCutoverBytes);
    } catch {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('expressway shadow: request body too large\n');
      return;
    }
    const ticket = breaker.take();
    if (!ticket) {
      // The candidate stopped answering: the primary answers now rather than after the cutover deadline.
      fallBack(req, res, route, body, started, 'candidate circuit breaker open (it stopped answering)');
      return;
    }
    let reason: string;
    try {
      const answer = await requestBuffered(cfg.candidate, {
        method,
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        body,
        timeoutMs: cfg.cutoverTimeoutMs,
        maxBytes: cfg.maxCutoverBytes,
      });
      breaker.succeeded(ticket);
      if (answer.status < 500) {
        res.writeHead(answer.status, answer.statusMessage, forwardResponseHeaders(answer.rawHeaders));
        res.end(answer.body);
        stats.served(route, 'candidate');
        writeLog(req, route, answer.status, 'candidate', started);
        return;
      }
      stats.candidateErrors.status5xx++;
      reason = `candidate answered ${answer.status}`;
    } catch (err) {
      const failure = candidateFailed(err, ticket);
      reason = `candidate ${failure}: ${(err as Error).message}`;
    }
    if (res.destroyed) return;
    fallBack(req, res, route, body, started, reason);
  }

  function sendStats(res: http.ServerResponse): void {
    const body = JSON.stringify(stats.snapshot(queue, guard, breaker.snapshot()));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  const selectsCutover = (method: string, url: string): boolean => {
    if (cfg.cutover.selects(method, url)) return true;
    return cfg.cutoverPercent > 0 && cfg.mirrored.has(method) && cfg.random() * 100 < cfg.cutoverPercent;
  };

  const clientDone = () => {
    if (--clientsInFlight === 0) queue.kick();
  };
  const server = http.createServer((req, res) => {
    const started = performance.now();
    clientsInFlight++;
    res.once('close', clientDone);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (cfg.statsPath !== false && method === 'GET' && pathOf(url) === cfg.statsPath) return sendStats(res);
    const route = routeOf(method, url);
    if (selectsCutover(method, url)) {
      void serveCandidate(req, res, route, started);
      return;
    }
    servePrimary(req, res, route, started);
  });
  server.keepAliveTimeout = 5_000;
  // Tunnelled sockets leave the HTTP server's bookkeeping; stop() closes them itself.
  const tunnels = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    const started = performance.now();
    const route = routeOf(req.method ?? 'GET', req.url ?? '/');
    tunnelUpgrade(cfg.primary, req, socket, head, (status) => {
      stats.served(route, 'primary');
      writeLog(req, route, status, 'primary', started);
    });
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(ShadowErrors.EXW_ERR_SHADOW_LISTEN(`${host}:${options.port ?? 0}`, err.message)));
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    queue.close();
    guard.stop();
    log?.end();
    cfg.primary.close();
    cfg.candidate.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const listen = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const reportMeta = { primary: options.primary, candidate: options.candidate, listen, headers: cfg.headers, minParity: options.minParity ?? 100 };
  let stopping: Promise<Report> | undefined;

  const stop = (): Promise<Report> => {
    stopping ??= (async () => {
      const closed = closeServer(server, 2_000);
      for (const socket of tunnels) socket.destroy();
      await closed;
      guard.stop();
      const left = await queue.drain(options.drainTimeoutMs ?? 3_000);
      for (const job of left) stats.lost(job.route, job.request, 'not-replayed', 'the proxy stopped before this mirror ran');
      cfg.primary.close();
      cfg.candidate.close();
      if (log) await new Promise<void>((resolve) => log.end(resolve));
      const report = stats.toReport({ ...reportMeta, breaker: breaker.snapshot() });
      if (options.reportFile) await writeFileAtomic(options.reportFile, JSON.stringify(report, null, 2) + '\n');
      return report;
    })();
    return stopping;
  };

  return {
    url: listen,
    port,
    stats: () => stats.snapshot(queue, guard, breaker.snapshot()),
    report: () => stats.toReport({ ...reportMeta, breaker: breaker.snapshot() }),
    stop,
  };
}

/** True when the request announces a body (RFC 9112 6.3: Content-Length above 0 or any Transfer-Encoding). */
function hasBody(req: http.IncomingMessage): boolean {
  // From the raw list: reading req.headers would build the whole header object for two names.
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && name.toLowerCase() === 'content-length' && raw[i + 1]!.trim() !== '0') return true;
  }
  return false;
}

function toRuleSet(rules: NoiseRules | RuleSet | undefined): RuleSet | undefined {
  if (!rules) return undefined;
  return 'ignores' in rules ? rules : new RuleSet(validateRules(rules, 'rules option').rules);
}

function latin1(raw: Buffer[]): string[] {
  const out = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]!.toString('latin1');
  return out;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new Error('body too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function closeServer(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
