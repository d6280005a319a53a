/**
 * Express app settings (`app.set/enable/disable`), each of Express 4's
 * settings table handled on purpose:
 *
 * - translated to a Server option: 'trust proxy', 'case sensitive routing',
 *   'strict routing', 'json spaces', 'query parser' ('simple'/'extended');
 * - dropped, because the runtime already behaves that way: disabling
 *   'x-powered-by', 'etag' and 'strict routing';
 * - moved to the legacy Express app, because only Express code reads them
 *   (res.render and res.jsonp always stay on Express, and the legacy app's
 *   final handler reads 'env'): 'views', 'view engine', 'view cache', 'env',
 *   'jsonp callback name';
 * - blocking (the app stays on Express), with the reason: enabling
 *   'x-powered-by' or 'etag', 'json escape', 'json replacer',
 *   'subdomain offset', a query parser function or false, computed names,
 *   and custom settings (Express code may read them with app.get()).
 */
import type { ReceiverUse } from './receiver-uses.js';
import { settingKey } from './receiver-uses.js';

export type SettingPlan =
  | { kind: 'option'; name: string; value: string | null }
  | { kind: 'drop' }
  | { kind: 'legacy' }
  | { kind: 'blocked'; reason: string };

type SettingUse = Extract<ReceiverUse, { kind: 'setting' }>;

/** Settings only Express itself reads: they go with the code that stays on Express. */
export const LEGACY_SETTINGS = new Set(['views', 'view engine', 'view cache', 'env', 'jsonp callback name']);

const BLOCKED: Record<string, string> = {
  'json escape': "the runtime's ctx.json does not escape <, > and & (Express's 'json escape')",
  'json replacer': "the runtime's ctx.json has no replacer (Express's 'json replacer')",
  'subdomain offset': 'req.subdomains is not translated: the setting only matters to Express code',
};

/** What happens to one `app.set/enable/disable` call; `source` prints an argument node. */
export function planSetting(use: SettingUse, source: (node: any) => string): SettingPlan {
  const key = settingKey(use.args);
  if (key === null) return { kind: 'blocked', reason: `${use.method}() with a computed setting name` };
  const value = use.method === 'set' ? use.args[1] : null;
  const on = use.method === 'enable' ? true : use.method === 'disable' ? false : literalBoolean(value);
  switch (key) {
    case 'trust proxy':
      if (use.method === 'set' && !isLiteral(value)) return { kind: 'blocked', reason: `app setting "${key}" is computed` };
      return { kind: 'option', name: 'trustProxy', value: use.method === 'set' ? source(value) : String(on) };
    case 'case sensitive routing':
      if (on === null) return { kind: 'blocked', reason: `app setting "${key}" is not a literal boolean` };
      return { kind: 'option', name: 'caseSensitive', value: String(on) };
    case 'strict routing':
      if (on === null) return { kind: 'blocked', reason: `app setting "${key}" is not a literal boolean` };
      return on ? { kind: 'option', name: 'ignoreTrailingSlash', value: 'false' } : { kind: 'drop' };
    case 'json spaces':
      if (use.method !== 'set') return on ? { kind: 'blocked', reason: `${use.method}('json spaces') means true, which Express ignores` } : { kind: 'drop' };
      // Any expression: evaluated once where the Server is created, as app.set evaluated it once at start.
      return { kind: 'option', name: 'jsonSpaces', value: source(value) };
    case 'query parser': {
      const parser = isLiteral(value) ? value.value : null;
      if (parser === 'simple' || parser === 'extended') return { kind: 'option', name: 'queryParser', value: `'${parser}'` };
      return { kind: 'blocked', reason: `app setting "query parser" other than 'simple' or 'extended' (a function, or false) is not translated` };
    }
    case 'x-powered-by':
    case 'etag':
      if (on === false) return { kind: 'drop' };
      return { kind: 'blocked', reason: key === 'etag' ? 'the runtime does not generate ETags for dynamic responses' : 'the runtime never sends X-Powered-By' };
  }
  if (LEGACY_SETTINGS.has(key)) return { kind: 'legacy' };
  if (BLOCKED[key]) return { kind: 'blocked', reason: BLOCKED[key]! };
  return { kind: 'blocked', reason: `app setting "${key}" is custom: Express code may read it with app.get()` };
}

function isLiteral(node: any): boolean {
  return !!node && ['BooleanLiteral', 'NumericLiteral', 'StringLiteral', 'Literal'].includes(node.type);
}

function literalBoolean(node: any): boolean | null {
  return isLiteral(node) && typeof node.value === 'boolean' ? node.value : null;
}
