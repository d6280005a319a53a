/**
 * Reads the `--cutover-routes` value: a verify report (its ledger's ready
 * routes), a JSON array of routes, a text file with one route per line, or a
 * comma-separated list given inline.
 */
import { readFile, stat } from 'node:fs/promises';
import { ShadowErrors } from './shadow-errors.js';
import { compileRouteSpec } from './shadow-routes.js';

export async function loadCutoverRoutes(value: string): Promise<string[]> {
  const isFile = await stat(value).then(
    (s) => s.isFile(),
    () => false,
  );
  const routes = isFile ? await routesFromFile(value) : value.split(',').map((r) => r.trim()).filter(Boolean);
  for (const route of routes) {
    try {
      compileRouteSpec(route);
    } catch (err) {
      throw ShadowErrors.EXW_ERR_SHADOW_CUTOVER_ROUTES(isFile ? value : 'list', (err as Error).message);
    }
  }
  return routes;
}

async function routesFromFile(file: string): Promise<string[]> {
  const text = (await readFile(file, 'utf8')).trim();
  if (!text.startsWith('{') && !text.startsWith('[')) {
    return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw ShadowErrors.EXW_ERR_SHADOW_CUTOVER_ROUTES(file, `invalid JSON (${(err as Error).message})`);
  }
  if (Array.isArray(doc)) {
    if (!doc.every((r) => typeof r === 'string')) throw ShadowErrors.EXW_ERR_SHADOW_CUTOVER_ROUTES(file, 'expected an array of "METHOD /path" strings');
    return doc as string[];
  }
  const report = doc as { tool?: unknown; routes?: Array<{ route?: unknown; method?: unknown; template?: unknown; verdict?: unknown }> };
  if (report.tool !== 'expressway' || !Array.isArray(report.routes)) {
    throw ShadowErrors.EXW_ERR_SHADOW_CUTOVER_ROUTES(file, 'a JSON file must be a verify report or an array of routes');
  }
  // The ledger decides: only routes it marks ready are cut over.
  return report.routes
    .filter((r) => r.verdict === 'ready' && typeof r.template === 'string')
    .map((r) => (r.method === '*' ? String(r.template) : `${String(r.method)} ${String(r.template)}`));
}
