import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCutoverRoutes } from './shadow-cutover.js';
import { createRouteSelection } from './shadow-routes.js';
import { buildReport } from './__testfixtures__/report-fixture.js';

describe('--cutover-routes', () => {
  it('takes the ready routes of a verify report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-cutover-'));
    const file = join(dir, 'report.json');
    await writeFile(file, JSON.stringify(buildReport()));
    expect(await loadCutoverRoutes(file)).toEqual(['GET /users/{id}']);
  });

  it('reads route files (lines or a JSON array) and inline lists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-cutover-'));
    await writeFile(join(dir, 'routes.txt'), '# ready for the candidate\nGET /users/{id}\n\n/health\n');
    await writeFile(join(dir, 'routes.json'), '["GET /a", "POST /orders"]');
    expect(await loadCutoverRoutes(join(dir, 'routes.txt'))).toEqual(['GET /users/{id}', '/health']);
    expect(await loadCutoverRoutes(join(dir, 'routes.json'))).toEqual(['GET /a', 'POST /orders']);
    expect(await loadCutoverRoutes('GET /a, GET /files/{path:.+}')).toEqual(['GET /a', 'GET /files/{path:.+}']);
  });

  it('rejects what is not a route, naming the source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exw-cutover-'));
    await writeFile(join(dir, 'bad.json'), '{"something": true}');
    await expect(loadCutoverRoutes(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'EXW_ERR_SHADOW_CUTOVER_ROUTES' });
    await expect(loadCutoverRoutes('users')).rejects.toMatchObject({ code: 'EXW_ERR_SHADOW_CUTOVER_ROUTES', message: expect.stringContaining('list') });
  });

  it('selects by method and template, with regex parameters and any-method routes', () => {
    const s = createRouteSelection(['GET /users/{id}', '/health', 'GET /files/{path:.+}']);
    expect(s.selects('GET', '/users/17?x=1')).toBe(true);
    expect(s.selects('POST', '/users/17')).toBe(false);
    expect(s.selects('GET', '/users/17/orders')).toBe(false);
    expect(s.selects('DELETE', '/health')).toBe(true);
    expect(s.selects('GET', '/files/a/b/c.txt')).toBe(true);
    expect(s.selects('GET', '/other')).toBe(false);
  });
});
