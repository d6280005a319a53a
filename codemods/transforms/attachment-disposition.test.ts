/**
 * res.attachment(`name-${x}.csv`) (computed, fixed extension) calls the content-disposition module Express
 * itself loads, as that Express calls it, when the app resolves it to the same file; the migrated app answers
 * with the same headers as Express for tricky names.
 *
 * res.attachment('<literal>') migrates to the Content-Disposition bytes the app's own Express writes
 * (express-content-disposition.ts): Express 4 (content-disposition 0.5) and Express 5.3 (2.x, base name
 * first), for tricky names, compared with what a real Express server sets.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateSource } from '../migrate-source.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project dir whose `express` is the given package of this repo (express 4 or express5). */
function projectWith(expressPackage: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'exw-attachment-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(repo, 'node_modules', expressPackage), join(dir, 'node_modules', 'express'), 'dir');
  return dir;
}

const NAMES = ['report.csv', 'a b.csv', 'naïve résumé.txt', '日本語.csv', 'q"uote.csv', 'back\\slash.txt', 'noext', 'dir/sub/z.csv', '%41.csv', "it's (1).pdf"];

function migratedDisposition(dir: string, name: string): string | null {
  const src = `const express = require('express');\nconst app = express();\napp.get('/f', (req, res) => { res.attachment(${JSON.stringify(name)}).send('x'); });\nmodule.exports = app;\n`;
  const out = migrateSource(src, { path: join(dir, 'app.js') }).output ?? '';
  const m = /setHeader\(\s*'Content-Disposition',\s*('(?:[^'\\]|\\.)*')\s*\)/.exec(out);
  // The header as the migrated code sets it: the string literal, evaluated.
  return m ? (new Function(`return ${m[1]};`)() as string) : null;
}

async function expressDisposition(expressPackage: string, name: string): Promise<string> {
  const express = require(join(repo, 'node_modules', expressPackage));
  const app = express();
  // The value Express hands to node (a JS string; node writes it, as the runtime's setHeader value, in latin1).
  app.get('/f', (_req: any, res: any) => res.attachment(name).send(Buffer.from(JSON.stringify({ set: res.get('Content-Disposition') }))));
  const res = await request(app).get('/f').buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return JSON.parse((res.body as Buffer).toString('utf8')).set;
}

describe('res.attachment(literal) writes the Content-Disposition of the app\'s Express', () => {
  for (const [label, pkg] of [['Express 4', 'express'], ['Express 5', 'express5']] as const) {
    it(`${label}: the same header bytes for every name, or stays on Express`, async () => {
      const dir = projectWith(pkg);
      for (const name of NAMES) {
        // A header with non-ASCII text stays on Express: its bytes on the wire differ between Express and the runtime.
        const express = await expressDisposition(pkg, name);
        expect({ name, header: migratedDisposition(dir, name) }).toEqual({ name, header: /^[\x20-\x7e]*$/.test(express) ? express : null });
      }
    });
  }

  it('the two majors really differ (quoting of token names), so one fixed form could not serve both', async () => {
    expect(await expressDisposition('express', 'report.csv')).not.toBe(await expressDisposition('express5', 'report.csv'));
  });
});

/** A project whose `express` and `content-disposition` are the ones that express loads (the usual hoisted install). */
function projectSharing(expressPackage: string): string {
  const dir = projectWith(expressPackage);
  const expressDir = realpathSync(join(dir, 'node_modules', 'express'));
  const nested = join(expressDir, 'node_modules', 'content-disposition');
  const own = existsSync(nested) ? nested : join(expressDir, '..', 'content-disposition');
  symlinkSync(own, join(dir, 'node_modules', 'content-disposition'), 'dir');
  return dir;
}

const COMPUTED = [
  "const express = require('express');",
  'const app = express();',
  "app.get('/f', (req, res) => { res.type('text/plain').attachment(`export-${req.query.n}-rows.csv`).send('x'); });",
  'module.exports = app;',
  '',
].join('\n');

describe('res.attachment(computed name with a fixed extension)', () => {
  const tricky = ['1', 'a b', 'naïve', '日本', 'q"uote', 'back\\slash', 'x/y', '%41', ''];
  it('Express 5 (content-disposition 2): migrates, and answers with the same Content-Type and Content-Disposition as Express', async () => {
      const dir = projectSharing('express5');
      const result = migrateSource(COMPUTED, { path: join(dir, 'app.js'), runtimeImport: join(repo, 'dist/runtime/index.js'), compatImport: join(repo, 'dist/compat/index.js') });
      expect(result.output).toContain("require('content-disposition')");
      writeFileSync(join(dir, 'migrated.js'), result.output!);
      writeFileSync(join(dir, 'original.js'), COMPUTED);
      const load = (file: string) => createRequire(join(dir, file))(`./${file}`);
      const [before, after] = [load('original.js'), load('migrated.js')];
      for (const n of tricky) {
        const ask = (app: unknown) => request(app as any).get('/f').query({ n });
        const [a, b] = [await ask(before), await ask(after)];
        expect({ n, type: b.headers['content-type'], disposition: b.headers['content-disposition'] })
          .toEqual({ n, type: a.headers['content-type'], disposition: a.headers['content-disposition'] });
      }
  });

  it('Express 4 (content-disposition 0.5 keeps Latin-1 names): stays on Express', () => {
    const dir = projectSharing('express');
    const result = migrateSource(COMPUTED, { path: join(dir, 'app.js') });
    expect(result.entries.find((e) => e.kind === 'compat')?.reason).toMatch(/before 2.0 keeps Latin-1 names in the header/);
  });

  it('stays on Express when the app would import another content-disposition than its express', () => {
    const dir = projectWith('express5');
    symlinkSync(join(repo, 'node_modules', 'content-disposition'), join(dir, 'node_modules', 'content-disposition'), 'dir');
    const result = migrateSource(COMPUTED, { path: join(dir, 'app.js') });
    expect(result.entries.find((e) => e.kind === 'compat')?.reason).toMatch(/cannot import the content-disposition its express uses/);
  });
});
