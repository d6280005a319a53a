/**
 * The child side of the harness protocol: a peer reports its port once it
 * listens, answers CPU-time queries, answers RSS queries (after a GC when node runs with
 * --expose-gc, so the memory scenario compares settled heaps) and exits
 * when the harness disconnects or asks it to stop.
 */

type HarnessMessage = { type: 'rss'; id: number } | { type: 'cpu'; id: number } | { type: 'stop' };

export function reportListening(port: number): void {
  if (!process.send) {
    // Started by hand: say where it listens.
    console.log(`listening on http://127.0.0.1:${port}`);
    return;
  }
  process.send({ type: 'ready', port });
}

function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().rss;
}

process.on('message', (message: HarnessMessage) => {
  if (message.type === 'rss') process.send?.({ type: 'rss', id: message.id, value: settledRss() });
  // user + system CPU microseconds so far: the harness divides the difference over a run by the requests served.
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', id: message.id, value: user + system });
  }
  if (message.type === 'stop') process.exit(0);
});
// The harness died or closed the channel: never outlive it.
process.on('disconnect', () => process.exit(0));
// Run by hand (e.g. under `node --cpu-prof`): exit normally on Ctrl-C or kill, so the profile is written.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
