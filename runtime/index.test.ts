/** The public entry point: what it exports, and that importing it stays cheap. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as runtime from './index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('expressway/runtime', () => {
  it('exports the public API', () => {
    expect(Object.keys(runtime).sort()).toEqual(
      ['Context', 'MemoryStore', 'Router', 'Server', 'Session', 'SessionCookie', 'compress', 'formBody', 'hasCode', 'isFallThrough', 'jsonBody', 'normalizePath', 'runtimeErrors', 'sendFile', 'serveStatic', 'session'].sort(),
    );
  });

  it('does not load ws or any tooling on import', () => {
    const script = `
      import { createRequire } from 'node:module';
      await import('./runtime/index.ts');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      const heavy = ['/node_modules/ws/', '/node_modules/jscodeshift/', '/node_modules/ts-morph/', '/node_modules/autocannon/'];
      console.log(JSON.stringify(heavy.filter((h) => loaded.some((file) => file.includes(h)))));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([]);
  });
});
