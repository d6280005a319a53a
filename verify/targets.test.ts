import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTarget, type Target } from './targets.js';

describe('startTarget (a command)', () => {
  const dirs: string[] = [];
  let target: Target | undefined;
  afterEach(async () => {
    await target?.stop();
    target = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A server that fails its first start as a taken port does (EADDRINUSE in its log, exit 1), then listens on PORT. */
  function flakyServer(failures: number): { spec: string; outDir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'exw-targets-'));
    dirs.push(dir);
    const script = `
      const fs = require('fs'); const marker = ${JSON.stringify(join(dir, 'starts'))};
      const starts = fs.existsSync(marker) ? Number(fs.readFileSync(marker, 'utf8')) : 0;
      fs.writeFileSync(marker, String(starts + 1));
      if (starts < ${failures}) { console.error('Error: listen EADDRINUSE: address already in use :::' + process.env.PORT); process.exit(1); }
      require('http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;
    return { spec: `node -e ${JSON.stringify(script.replace(/\n\s*/g, ' '))}`, outDir: join(dir, 'logs') };
  }

  it('starts again on a fresh port when the chosen one was taken before the app bound it', async () => {
    const { spec, outDir } = flakyServer(1);
    target = await startTarget(spec, { side: 'baseline', outDir });
    expect(await (await fetch(target.origin)).text()).toBe('ok');
  });

  it('gives up after three taken ports, with the start error', async () => {
    const { spec, outDir } = flakyServer(3);
    await expect(startTarget(spec, { side: 'baseline', outDir })).rejects.toMatchObject({ code: 'EXW_ERR_VERIFY_TARGET_START' });
  });

  it('does not start again an app that failed for another reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exw-targets-'));
    dirs.push(dir);
    await expect(startTarget(`node -e "process.exit(3)"`, { side: 'candidate', outDir: dir })).rejects.toThrow(/exit code 3/);
  });
});
