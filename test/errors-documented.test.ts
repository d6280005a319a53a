/**
 * Every coded error the project can raise is documented in docs/errors.md
 * (STYLE.md #8). Codes are found by scanning the sources, so a new
 * `defineErrors` table anywhere is covered without registering it here.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';

const root = fileURLToPath(new URL('..', import.meta.url));
const CODE = /\bEXW_ERR_[A-Z0-9_]*[A-Z0-9]\b/g;

async function codesInSources(): Promise<Map<string, string>> {
  const files = await glob(['{runtime,compat,codemods,verify,migrate,cli}/**/*.ts'], {
    cwd: root,
    ignore: ['**/*.test.ts', '**/*.test-d.ts', '**/__testfixtures__/**'],
  });
  const found = new Map<string, string>();
  for (const file of files) {
    for (const code of readFileSync(root + file, 'utf8').match(CODE) ?? []) {
      if (!found.has(code)) found.set(code, file);
    }
  }
  return found;
}

function documentedCodes(): Set<string> {
  const doc = readFileSync(root + 'docs/errors.md', 'utf8');
  // Only table rows count: `| EXW_ERR_X | what happened | how to fix |`
  const rows = doc.split('\n').filter((line) => /^\|\s*`?EXW_ERR_/.test(line));
  return new Set(rows.map((row) => row.match(CODE)![0]));
}

describe('docs/errors.md', () => {
  it('documents every error code used in the sources, with a fix', async () => {
    const used = await codesInSources();
    const documented = documentedCodes();
    const missing = [...used].filter(([code]) => !documented.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(0);
  });

  it('documents no code that no longer exists', async () => {
    const used = await codesInSources();
    const stale = [...documentedCodes()].filter((code) => !used.has(code));
    expect(stale).toEqual([]);
  });
});
