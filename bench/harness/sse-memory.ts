/**
 * Memory scenario: the RSS a peer adds while holding idle SSE clients. The
 * peer runs fresh with --expose-gc and reports its RSS after a full GC,
 * before the clients connect and once they all have their response head.
 * Clients connect in batches so the listen backlog never overflows.
 */
import type { PeerProcess } from './processes.js';
import type { Sample } from './sample.js';
import { closeStreams, openStream } from './sse-load.js';
import type http from 'node:http';

const BATCH = 100;
const MB = 1024 * 1024;

export async function measureIdleStreams(peer: PeerProcess, path: string, clients: number): Promise<Sample> {
  // One short stream first, so lazily loaded code is in the baseline, not in the per-client cost.
  closeStreams([await openStream(peer.port, path)]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = await peer.rss();
  const streams: http.IncomingMessage[] = [];
  let unexpected = 0;
  try {
    for (let i = 0; i < clients; i += BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(BATCH, clients - i) }, () => openStream(peer.port, path)));
      for (const stream of batch) {
        if (stream.statusCode !== 200) unexpected++;
        stream.on('error', () => {});
        streams.push(stream);
      }
    }
    // Let the server finish whatever it does after writing the head.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await peer.rss();
    return { rate: (after - before) / MB, p50: null, p99: null, total: streams.length, errors: 0, unexpected, cpuPerUnit: null };
  } finally {
    closeStreams(streams);
  }
}
