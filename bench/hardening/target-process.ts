/**
 * Child-process entry for the target server (target-app.ts). It reports its
 * port over IPC, answers stats queries (RSS, open connections, active
 * handles), closes gracefully on request, and exits with its parent.
 * Options arrive as JSON in argv[2].
 */
import type { ServerOptions } from '../../runtime/index.js';
import type { RunningServer } from '../../runtime/index.js';
import { buildTargetServer } from './target-app.js';

export type ParentMessage = { type: 'stats'; id: number } | { type: 'close'; timeout?: number } | { type: 'stop' };

export interface TargetStats {
  rss: number;
  heapUsed: number;
  connections: number;
  handles: number;
  /** Requests that reached the handler, responses fully sent, responses cut before their end. */
  requestsStarted: number;
  responsesFinished: number;
  responsesAborted: number;
}

const counts = { requestsStarted: 0, responsesFinished: 0, responsesAborted: 0 };

function countResponses(running: RunningServer): void {
  running.server.on('request', (_req, res) => {
    counts.requestsStarted++;
    res.once('close', () => (res.writableFinished ? counts.responsesFinished++ : counts.responsesAborted++));
  });
}

function connectionCount(running: RunningServer): Promise<number> {
  return new Promise((resolve) => running.server.getConnections((err, count) => resolve(err ? -1 : count)));
}

async function stats(running: RunningServer): Promise<TargetStats> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const memory = process.memoryUsage();
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  return { rss: memory.rss, heapUsed: memory.heapUsed, connections: await connectionCount(running), handles, ...counts };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  const running = await buildTargetServer(options).listen({ port: 0, host: '127.0.0.1' });
  countResponses(running);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stats') void stats(running).then((s) => process.send?.({ type: 'stats', id: message.id, stats: s }));
    if (message.type === 'close') {
      const began = Date.now();
      void running.close({ timeout: message.timeout }).then(() => process.send?.({ type: 'closed', ms: Date.now() - began }));
    }
    if (message.type === 'stop') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port: running.port });
}

void main();
