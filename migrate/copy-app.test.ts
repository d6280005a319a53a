import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, statSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyApp, defaultOutDir } from './copy-app.js';
import { linkDependencies } from './link-deps.js';
import { startCommand, testCommand } from './app-entry.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'fixtures');
// Under the repository (so copies share its node_modules, as the demo's do) and under .expressway/ (ignored by git and vitest).
// .expressway/ is gitignored: a fresh clone does not have it yet.
mkdirSync(join(root, '.expressway'), { recursive: true });
const work = mkdtempSync(join(root, '.expressway', 'test-copy-'));
const outside = mkdtempSync(join(tmpdir(), 'exw-migrate-copy-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const versionFrom = (dir: string, name: string) =>
  (JSON.parse(readFileSync(createRequire(join(dir, 'package.json')).resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;

describe('copyApp and linkDependencies', () => {
  it('copies ts-express5 without node_modules and links its nested Express 5, plus expressway itself', async () => {
    const app = join(fixtures, 'ts-express5');
    const out = join(work, 'ts-express5');
    await copyApp(app, out, false);
    expect(readFileSync(join(out, 'app.ts'), 'utf8')).toBe(readFileSync(join(app, 'app.ts'), 'utf8'));
    // Same mtimes: static files answer recorded If-Modified-Since / If-None-Match requests as the original does.
    expect(Math.floor(statSync(join(out, 'app.ts')).mtimeMs / 1000)).toBe(Math.floor(statSync(join(app, 'app.ts')).mtimeMs / 1000));
    expect(existsSync(join(out, 'node_modules'))).toBe(false);
    const links = await linkDependencies(app, out);
    expect(links.linked).toContain('express');
    expect(lstatSync(join(out, 'node_modules', 'express')).isSymbolicLink()).toBe(true);
    expect(versionFrom(out, 'express')).toMatch(/^5\./);
    expect(versionFrom(app, 'express')).toMatch(/^5\./);
    // The repository's own name does not resolve from a fixture's package scope: it had to be linked.
    expect(links.linkedExpressway).toBe(true);
    expect(versionFrom(out, 'expressway')).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('links every package the original resolves when the copy lives outside the project', async () => {
    const app = join(fixtures, 'rest-api');
    const out = join(outside, 'rest-api');
    await copyApp(app, out, false);
    const links = await linkDependencies(app, out);
    expect(links.linked).toEqual(expect.arrayContaining(['express', 'supertest', 'vitest']));
    expect(versionFrom(out, 'express')).toBe(versionFrom(app, 'express'));
  });

  it('refuses a non-empty out dir unless forced, and replaces it when forced', async () => {
    const app = join(fixtures, 'minimal');
    const out = join(work, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(copyApp(app, out, false)).rejects.toMatchObject({ code: 'EXW_ERR_MIGRATE_OUT_EXISTS' });
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine');
    await copyApp(app, out, true);
    expect(existsSync(join(out, 'keep.txt'))).toBe(false);
    expect(existsSync(join(out, 'server.js'))).toBe(true);
  });

  it('refuses an out dir inside the app, except under its .expressway/ work dir', async () => {
    const app = join(work, 'own-app');
    mkdirSync(app);
    writeFileSync(join(app, 'server.js'), '');
    await expect(copyApp(app, join(app, 'copy'), false)).rejects.toMatchObject({ code: 'EXW_ERR_MIGRATE_OUT_INSIDE_APP' });
    await expect(copyApp(app, app, true)).rejects.toMatchObject({ code: 'EXW_ERR_MIGRATE_OUT_INSIDE_APP' });
    // --force empties the out dir first: never when the app is in it.
    await expect(copyApp(app, work, true)).rejects.toMatchObject({ code: 'EXW_ERR_MIGRATE_OUT_CONTAINS_APP' });
    const out = defaultOutDir(app, app);
    expect(out).toBe(join(app, '.expressway', 'migrate', 'own-app'));
    await copyApp(app, out, false);
    expect(existsSync(join(out, 'server.js'))).toBe(true);
    expect(existsSync(join(out, '.expressway'))).toBe(false);
  });
});

describe('startCommand and testCommand', () => {
  it('prefers the start script, run in the app directory', () => {
    expect(startCommand(join(fixtures, 'ts-express5')).command).toBe(`cd '${join(fixtures, 'ts-express5')}' && tsx server.ts`);
    expect(testCommand(join(fixtures, 'rest-api'))!.command).toMatch(/&& vitest run --no-file-parallelism$/);
  });

  it('falls back to server.ts through tsx, and says when there is nothing to start', () => {
    const dir = join(work, 'bare');
    mkdirSync(dir);
    expect(() => startCommand(dir)).toThrow(expect.objectContaining({ code: 'EXW_ERR_MIGRATE_NO_ENTRY' }));
    writeFileSync(join(dir, 'server.ts'), '');
    expect(startCommand(dir)).toMatchObject({ description: 'server.ts (tsx)', command: expect.stringMatching(/--import 'file:.*tsx.*loader\.mjs' server\.ts$/) });
    expect(testCommand(dir)).toBeUndefined();
  });
});
