/**
 * Every fixture pair under __testfixtures__ is the spec for one scenario:
 * `<scenario>.input.<ext>` migrates to exactly `<scenario>.output.<ext>`
 * (identical to the input for pairs that must not change), the output
 * parses, a second run changes nothing, and every comment of the input
 * survives. `UPDATE_FIXTURES=1` rewrites the outputs; review them by hand.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jscodeshift from 'jscodeshift';
import { describe, expect, it } from 'vitest';
import { migrateSource, parserFor } from '../migrate-source.js';

const dir = fileURLToPath(new URL('./__testfixtures__/', import.meta.url));
const update = process.env.UPDATE_FIXTURES === '1';

const pairs = readdirSync(dir)
  .filter((f) => /\.input\.[cm]?[jt]sx?$/.test(f))
  .map((input) => ({ input, output: input.replace('.input.', '.output.'), ext: input.split('.input.')[1] }))
  .sort((a, b) => a.input.localeCompare(b.input));

/** Every comment recast attached anywhere in the tree. */
function commentsOf(source: string, path: string): string[] {
  const j = jscodeshift.withParser(parserFor(path));
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Record<string, unknown>;
    for (const c of (n.comments as Array<{ value: string }> | undefined) ?? []) out.push(c.value.trim());
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && k !== 'tokens' && k !== 'comments') walk(v);
  };
  walk(j(source).get().node);
  return out.filter(Boolean);
}

function parses(source: string, path: string): void {
  jscodeshift.withParser(parserFor(path))(source);
}

describe('express-to-runtime fixtures', () => {
  it('has at least 60 pairs, in JS and TS, CJS and ESM', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    expect(pairs.some((p) => p.ext === 'ts')).toBe(true);
    expect(pairs.some((p) => p.ext === 'mjs')).toBe(true);
  });

  for (const pair of pairs) {
    describe(pair.input.replace(/\.input\..*$/, ''), () => {
      const path = `src/${pair.input.replace('.input', '')}`;
      const input = readFileSync(join(dir, pair.input), 'utf8');
      const result = migrateSource(input, { path });
      const actual = result.output ?? input;
      if (update) writeFileSync(join(dir, pair.output), actual);

      it('matches the expected output exactly', () => {
        expect(existsSync(join(dir, pair.output)), `${pair.output} is missing`).toBe(true);
        expect(actual).toBe(readFileSync(join(dir, pair.output), 'utf8'));
      });

      it('leaves unchanged files untouched (null output), and reports every change', () => {
        const expected = readFileSync(join(dir, pair.output), 'utf8');
        if (expected === input) expect(result.output).toBeNull();
        else expect(result.entries.length).toBeGreaterThan(0);
      });

      it('produces output that parses', () => {
        expect(() => parses(actual, path)).not.toThrow();
      });

      it('is idempotent: a second run changes nothing', () => {
        expect(migrateSource(actual, { path }).output).toBeNull();
      });

      it('keeps every comment of the input', () => {
        expect(commentsOf('// probe\nconst a = 1;', 'probe.js')).toContain('probe');
        const after = commentsOf(actual, path).join('\n');
        for (const c of commentsOf(input, path)) expect(after).toContain(c);
      });
    });
  }
});
