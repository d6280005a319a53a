/** The interface the runner calls: result shape, counts, options, coded parse errors. */
import { describe, expect, it } from 'vitest';
import { migrateSource, parserFor } from '../migrate-source.js';

const app = `const express = require('express');
const app = express();
app.get('/a', (req, res) => res.json({ a: 1 }));
app.get('/b', (req, res) => res.render('b'));
module.exports = app;
`;

describe('migrateSource', () => {
  it('returns the output, one entry per decision and handler counts', () => {
    const r = migrateSource(app, { path: 'src/app.js' });
    expect(r.output).toContain("app.get('/a', async (ctx) => ctx.json({ a: 1 }))");
    expect(r.handlers).toEqual({ native: 1, compat: 1 });
    const compat = r.entries.filter((e) => e.kind === 'compat');
    expect(compat).toHaveLength(1);
    expect(compat[0]).toMatchObject({ file: 'src/app.js', line: 4, rule: 'legacy-express-app', reason: 'res.render needs the Express view engine' });
  });

  it('returns null for files it does not change', () => {
    expect(migrateSource('export const x = 1;\n', { path: 'x.js' })).toEqual({ output: null, entries: [], handlers: { native: 0, compat: 0 } });
    expect(migrateSource("import type { Request } from 'express';\nexport const f = (r: Request) => r;\n", { path: 'x.ts' }).output).toBeNull();
  });

  it('uses the import names it is given', () => {
    const r = migrateSource(app, { path: 'a.js', runtimeImport: '@acme/rt', compatImport: '@acme/compat' });
    expect(r.output).toContain("require('@acme/rt')");
    expect(r.output).toContain("require('@acme/compat')");
  });

  it('picks the parser from the extension', () => {
    expect([parserFor('a.ts'), parserFor('a.mts'), parserFor('a.tsx'), parserFor('a.js'), parserFor('a.cjs')]).toEqual(['ts', 'ts', 'tsx', 'babel', 'babel']);
    const ts = migrateSource("import express from 'express';\nconst app = express();\napp.get('/', (req, res) => res.json(<unknown>{}));\nexport default app;\n", { path: 'a.ts' });
    expect(ts.output).toContain('async (ctx: Context) => ctx.json(<unknown>{})');
  });

  it('throws a coded error with the line for a file that does not parse', () => {
    let err: unknown;
    try { migrateSource("const express = require('express');\nconst app = express(;\n", { path: 'bad.js' }); } catch (e) { err = e; }
    expect(err).toMatchObject({ code: 'EXW_ERR_CODEMOD_TRANSFORM_PARSE', line: 2 });
    expect(() => migrateSource(app, { path: 'a.js', parser: 'nope' as never })).toThrow(expect.objectContaining({ code: 'EXW_ERR_CODEMOD_TRANSFORM_PARSER' }));
  });
});
