/** listen({ workers }) through node:cluster: workers start, serve on one port, and stop on close(). */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('./__testfixtures__/cluster-app.ts', import.meta.url));

function getPid(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url + '/pid', { agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
      })
      .on('error', reject);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cluster', () => {
  it('starts workers that serve on a shared port and stops them gracefully', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', app], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const started = JSON.parse((await lines.next()).value as string) as { url: string; workers: number[] };
      expect(started.workers).toHaveLength(2);
      const pids = new Set<number>();
      for (let i = 0; i < 6; i++) pids.add(await getPid(started.url));
      for (const pid of pids) expect(started.workers).toContain(pid);
      expect(pids.has(child.pid!)).toBe(false);
      child.kill('SIGTERM');
      expect(JSON.parse((await lines.next()).value as string)).toEqual({ closed: true });
      expect(await exited).toBe(0);
      for (const pid of started.workers) expect(alive(pid)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
