import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveTraffic } from './traffic-source.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// .expressway/ is gitignored: a fresh clone does not have it yet.
mkdirSync(join(root, '.expressway'), { recursive: true });
const work = mkdtempSync(join(root, '.expressway', 'test-traffic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function appWithoutTraffic(name: string): string {
  const dir = join(work, name);
  cpSync(join(root, 'fixtures', name), dir, { recursive: true, filter: (src) => !/node_modules|traffic\.ndjson$/.test(src) });
  return dir;
}

describe('resolveTraffic', () => {
  it('prefers --traffic, then the app\'s traffic.ndjson', async () => {
    const app = join(root, 'fixtures', 'minimal');
    const given = await resolveTraffic({ appDir: app, cwd: root, traffic: 'fixtures/rest-api/traffic.ndjson', workDir: work, env: {} });
    expect(given).toEqual({ path: join(root, 'fixtures/rest-api/traffic.ndjson'), origin: 'given' });
    expect(await resolveTraffic({ appDir: app, cwd: root, workDir: work, env: {} })).toEqual({ path: join(app, 'traffic.ndjson'), origin: 'recorded-file' });
    await expect(resolveTraffic({ appDir: app, cwd: root, traffic: 'nope.ndjson', workDir: work, env: {} })).rejects.toMatchObject({ code: 'EXW_ERR_MIGRATE_OPTION' });
  });

  it('records the app\'s own vitest suite through the recorder when there is no traffic file', async () => {
    const app = appWithoutTraffic('minimal');
    const workDir = join(work, 'minimal-work');
    let seen = 0;
    const source = await resolveTraffic({ appDir: app, cwd: root, workDir, env: { NODE_ENV: 'test' }, onRequest: (n) => (seen = n) });
    expect(source).toMatchObject({ origin: 'test-suite', path: join(workDir, 'recorded-traffic.ndjson'), suiteExit: 0 });
    const lines = readFileSync(source.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { request: { url: string } });
    expect(lines.length).toBe(source.exchanges);
    expect(seen).toBe(source.exchanges);
    expect(lines.map((l) => l.request.url)).toContain('/health');
  }, 60_000);

  it('says so when the suite sends nothing through the recorder', async () => {
    const app = join(work, 'deaf');
    cpSync(join(root, 'fixtures', 'minimal', 'server.js'), join(app, 'server.js'));
    cpSync(join(root, 'fixtures', 'minimal', 'app.js'), join(app, 'app.js'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'deaf', scripts: { start: 'node server.js', test: 'node -e "process.exit(0)"' } }));
    await expect(resolveTraffic({ appDir: app, cwd: root, workDir: join(work, 'deaf-work'), env: {} })).rejects.toMatchObject({ code: 'EXW_ERR_MIGRATE_RECORD' });
  }, 30_000);
});
