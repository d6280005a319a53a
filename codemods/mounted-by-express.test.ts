import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCodemod } from './runner.js';
import { MOUNTED_BY_EXPRESS_RULE } from './mounted-by-express.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exw-mounted-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const USERS = [
  "const express = require('express');",
  'const router = express.Router();',
  "router.get('/', (req, res) => { res.json([{ id: 1 }]); });",
  'module.exports = router;',
  '',
].join('\n');

const entriesOf = (result: Awaited<ReturnType<typeof runCodemod>>, file: string) =>
  result.files.find((f) => f.file.endsWith(file))!;

describe('routers mounted by code that stays on Express', () => {
  it('leaves the router module as it was when the mounting app stays on Express', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        'const app = express();',
        "app.set('json escape', true); // no runtime counterpart: the whole app stays on Express",
        "app.use('/users', require('./routes/users'));",
        'module.exports = app;',
        '',
      ].join('\n'),
      'routes/users.js': USERS,
    });
    const result = await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
    expect(readFileSync(join(dir, 'routes/users.js'), 'utf8')).toBe(USERS);
    const users = entriesOf(result, 'routes/users.js');
    expect(users.status).toBe('unchanged');
    expect(users.entries.map((e) => e.rule)).toEqual([MOUNTED_BY_EXPRESS_RULE]);
    expect(users.entries[0]!.reason).toMatch(/app\.js:4, which stays on Express/);
    expect(users.handlers.native).toBe(0);
  });

  it('still migrates the router when the mounting app is migrated', async () => {
    const dir = tree({
      'app.js': [
        "const express = require('express');",
        'const app = express();',
        "app.use('/users', require('./routes/users'));",
        'module.exports = app;',
        '',
      ].join('\n'),
      'routes/users.js': USERS,
    });
    const result = await runCodemod({ paths: ['.'], cwd: dir, cpus: 1 });
    const users = entriesOf(result, 'routes/users.js');
    expect(users.status).toBe('changed');
    expect(readFileSync(join(dir, 'routes/users.js'), 'utf8')).toContain('expressway/runtime');
  });
});
