/**
 * The worker pool as tests and `tsx` run it: from the .ts sources. A worker
 * must load worker.ts and the default transform through tsx and give the
 * same answer the main thread gives.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRANSFORM, loadTransform } from './transform-api.js';
import { createWorkerPool, runTask, type Task } from './worker.js';

const TASKS: Task[] = [
  {
    source: "const express = require('express');\nconst app = express();\napp.get('/hi/:name', (req, res) => {\n  res.json({ hi: req.params.name });\n});\nmodule.exports = app;\n",
    options: { path: '/virtual/app.js' },
  },
  { source: "const express = require('express');\nconst x = ;\n", options: { path: '/virtual/broken.js' } },
];

describe('createWorkerPool from the .ts sources', () => {
  it('runs the default transform in worker threads, with the results the main thread gets', async () => {
    expect(import.meta.url).toMatch(/\.ts$/);
    const inline = await loadTransform(DEFAULT_TRANSFORM);
    const expected = await Promise.all(TASKS.map((t) => runTask(inline, t)));
    const pool = createWorkerPool(2, DEFAULT_TRANSFORM);
    try {
      const got = await Promise.all(TASKS.map((t) => pool.run(t)));
      expect(got).toEqual(expected);
      expect(got[0]).toMatchObject({ ok: true, result: { output: expect.stringContaining('ctx.json') } });
      expect(got[1]).toMatchObject({ ok: false, error: { line: 2 } });
    } finally {
      await pool.close();
    }
  }, 60_000);
});
