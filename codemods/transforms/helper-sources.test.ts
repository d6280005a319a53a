/**
 * Where migrated code takes parseurl / encodeurl / http-errors from
 * (helper-sources.ts): expressway/helpers, unless the app's package.json
 * lists the package itself, or the compat specifier has no helpers sibling.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateSource } from '../migrate-source.js';

const APP = `import express from 'express';
const app = express();
app.all('/v1/*rest', (req, res) => {
  res.json({ rest: req.params.rest });
});
app.get('/old', (req, res) => {
  res.location(\`/new/\${req.query.to}\`).sendStatus(301);
});
export default app;
`;

// Inside the repository: the app resolves express (and its helpers) from the repository's node_modules.
const root = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(root, '.expressway'), { recursive: true });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function appDir(dependencies: Record<string, string>): string {
  const dir = mkdtempSync(join(root, '.expressway', 'test-helper-sources-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', type: 'module', dependencies }));
  return dir;
}

function imports(output: string | null): string[] {
  return (output ?? '').split('\n').filter((line) => /^import /.test(line));
}

describe('helper imports', () => {
  it('come from expressway/helpers when the app does not depend on the packages', () => {
    const dir = appDir({ express: '^5.1.0' });
    const out = imports(migrateSource(APP, { path: join(dir, 'app.js') }).output);
    expect(out).toContain("import { parseurl, encodeUrl } from 'expressway/helpers';");
    expect(out.join('\n')).not.toMatch(/from '(parseurl|encodeurl)'/);
  });

  it("stay on the app's own package when its package.json lists it", () => {
    const dir = appDir({ express: '^5.1.0', parseurl: '^1.3.3' });
    const out = imports(migrateSource(APP, { path: join(dir, 'app.js') }).output);
    expect(out).toContain("import parseurl from 'parseurl';");
    expect(out).toContain("import { encodeUrl } from 'expressway/helpers';");
  });

  it('stay on the app\'s resolution when its express loads another version than expressway ships', () => {
    const dir = appDir({ express: '^5.1.0' });
    // An express of the app's own whose encodeurl is 2.0.0 (which encodes `%[` as `%25%5B`, 2.0.3 as `%25[`).
    const express = join(dir, 'node_modules', 'express');
    mkdirSync(join(express, 'node_modules', 'encodeurl'), { recursive: true });
    writeFileSync(join(express, 'package.json'), JSON.stringify({ name: 'express', version: '5.1.0' }));
    writeFileSync(join(express, 'node_modules', 'encodeurl', 'package.json'), JSON.stringify({ name: 'encodeurl', version: '2.0.0' }));
    const out = imports(migrateSource(APP, { path: join(dir, 'app.js') }).output);
    expect(out).toContain("import encodeUrl from 'encodeurl';");
    expect(out).toContain("import { parseurl } from 'expressway/helpers';");
  });

  it('follow a compat module given as a path to dist/compat/index.js', () => {
    const dir = appDir({ express: '^5.1.0' });
    const out = imports(migrateSource(APP, { path: join(dir, 'app.js'), compatImport: '/opt/exw/dist/compat/index.js' }).output);
    expect(out).toContain("import { parseurl, encodeUrl } from '/opt/exw/dist/compat/helpers.js';");
  });

  it('are the packages themselves when the compat module has no helpers sibling', () => {
    const dir = appDir({ express: '^5.1.0' });
    const out = imports(migrateSource(APP, { path: join(dir, 'app.js'), compatImport: '@acme/compat' }).output);
    expect(out).toEqual(expect.arrayContaining(["import parseurl from 'parseurl';", "import encodeUrl from 'encodeurl';"]));
  });
});
