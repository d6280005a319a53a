/**
 * res.attachment('<literal>') migrates to the Content-Disposition bytes the app's own Express writes
 * (express-content-disposition.ts): Express 4 (content-disposition 0.5) and Express 5.3 (2.x, base name
 * first), for tricky names, compared with what a real Express server sets.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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
    it(`${label}: the same header bytes for every name`, async () => {
      const dir = projectWith(pkg);
      for (const name of NAMES) {
        expect({ name, header: migratedDisposition(dir, name) }).toEqual({ name, header: await expressDisposition(pkg, name) });
      }
    });
  }

  it('the two majors really differ (quoting of token names), so one fixed form could not serve both', async () => {
    expect(await expressDisposition('express', 'report.csv')).not.toBe(await expressDisposition('express5', 'report.csv'));
  });
});
