/**
 * Two baseline processes behind one URL, for verify(). verify() sends every
 * replayed request to the baseline twice (primary, secondary) and compares
 * the two to learn what is noise (Diffy's method); it takes one baseline
 * target. Sent to one process, each write lands twice in the same state and
 * per-process values (counters, ids, boot times) never differ, so noise hides
 * and doubled state looks like a regression. This front hands the first
 * request of each pair to one process and the second to the other: with one
 * exchange in flight at a time (migrate replays at concurrency 1), every
 * process sees the whole traffic exactly once, in order. It forwards bytes as
 * they are: raw header names and order, status text, bodies streamed.
 *
 * Remove once verify() accepts a separate secondary target.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BaselinePair {
  url: string;
  /** Requests handed to each process so far. */
  readonly counts: [number, number];
  close(): Promise<void>;
}

/**
 * The second request of a pair reaches its process a few milliseconds later.
 * Two production instances never answer in the same millisecond; two local
 * processes answering one replayed request often do, and then every
 * time-derived field (createdAt, Date-based ids) agrees between them by
 * coincidence, is not learned as noise, and is flagged against the candidate.
 */
const SECONDARY_LAG_MS = 5;

/** Hop-by-hop headers: each side of this hop sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'te', 'trailer', 'upgrade']);

export async function startBaselinePair(primary: string, secondary: string): Promise<BaselinePair> {
  const origins = [new URL(primary), new URL(secondary)] as const;
  const agents = [new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: true })] as const;
  const counts: [number, number] = [0, 0];
  const server = http.createServer((req, res) => {
    // The process with fewer requests gets this one: pairs split one each, even after a lost request.
    const side = counts[0] <= counts[1] ? 0 : 1;
    counts[side]++;
    if (side === 0) forward(req, res, origins[0], agents[0]);
    else setTimeout(forward, SECONDARY_LAG_MS, req, res, origins[1], agents[1]);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const agent of agents) agent.destroy();
    },
  };
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, origin: URL, agent: http.Agent): void {
  const upstream = http.request({
    hostname: origin.hostname,
    port: origin.port,
    method: req.method,
    path: req.url,
    headers: withoutHopByHop(req.rawHeaders),
    agent,
    setHost: false, // the raw headers carry the client's Host
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.rawHeaders));
    answer.pipe(res);
    answer.on('aborted', () => res.destroy());
  });
  // A baseline that fails must look like a failed baseline to verify (a lost request), never like an answer.
  upstream.on('error', () => res.destroy());
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}

function withoutHopByHop(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
