/** Started by cluster.test.ts: a Server listening with 2 workers; SIGTERM closes it gracefully. */
import cluster from 'node:cluster';
import { Server } from '../index.js';

const server = new Server();
server.get('/pid', (ctx) => ctx.json({ pid: process.pid }));
const handle = await server.listen({ port: 0, host: '127.0.0.1', workers: 2 });

if (cluster.isPrimary && 'workers' in handle) {
  console.log(JSON.stringify({ url: handle.url, workers: handle.workers.map((w) => w.process.pid) }));
  process.once('SIGTERM', () => {
    void handle.close({ timeout: 2_000 }).then(() => {
      console.log(JSON.stringify({ closed: true }));
      process.exit(0);
    });
  });
}
