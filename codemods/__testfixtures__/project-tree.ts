/**
 * Temporary projects for the runner tests that migrate several modules and
 * compare the original app with its migrated copy over HTTP. Each call to
 * projectTrees registers its own cleanup, so a test file needs one line.
 */
import { afterEach } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCodemod } from '../runner.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export function projectTrees(prefix: string) {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  }

  /** Writes the project twice and migrates the second copy against the built runtime and compat (needs dist/). */
  async function migratedCopy(files: Record<string, string>) {
    const original = tree(files);
    const migrated = tree({});
    cpSync(original, migrated, { recursive: true });
    for (const dir of [original, migrated]) symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // One CPU: worker threads cannot load the TypeScript sources vitest runs.
    const result = await runCodemod({
      paths: ['.'], cwd: migrated, cpus: 1,
      runtimeImport: join(repo, 'dist/runtime/index.js'), compatImport: join(repo, 'dist/compat/index.js'),
    });
    const read = (name: string) => readFileSync(join(migrated, name), 'utf8');
    return { original, migrated, result, read };
  }

  return { tree, migratedCopy };
}

/** The app a project's module exports, loaded the way a test suite would require it. */
export function loadApp(dir: string, entry = 'app.js'): any {
  return createRequire(join(dir, entry))(`./${entry}`);
}
