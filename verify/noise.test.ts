import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { RuleSet, coveredBySiblingNoise, siblingNoise, DEFAULT_NOISE_THRESHOLDS } from './noise.js';
import { createRedactor } from './redact.js';

describe('noise in maps keyed by data', () => {
  it('a field noisy under two keys of one object is noise under every key of it', () => {
    const templates = siblingNoise(['/body/routes/GET ~1a/avgMs', '/body/routes/GET ~1b/avgMs']);
    expect(coveredBySiblingNoise('/body/routes/GET ~1admin~1stats/avgMs', templates)).toBe(true);
    // Another field of the same keys, another object, or the key itself: not covered.
    expect(coveredBySiblingNoise('/body/routes/GET ~1admin~1stats/count', templates)).toBe(false);
    expect(coveredBySiblingNoise('/body/other/GET ~1a/avgMs', templates)).toBe(false);
    expect(coveredBySiblingNoise('/body/routes/GET ~1c', templates)).toBe(false);
  });

  it('one noisy key is not enough evidence', () => {
    expect(siblingNoise(['/body/routes/GET ~1a/avgMs'])).toEqual([]);
    expect(coveredBySiblingNoise('/body/routes/GET ~1b/avgMs', siblingNoise(['/body/routes/GET ~1a/avgMs']))).toBe(false);
  });

  it('the ledger counts the request as matching when the only difference is such a field', () => {
    const ledger = new Ledger({ rules: new RuleSet(), redactor: createRedactor(), noise: DEFAULT_NOISE_THRESHOLDS });
    const route = { key: 'GET /admin/stats', method: 'GET', template: '/admin/stats' };
    const request = { id: '1', method: 'GET', url: '/admin/stats' };
    ledger.sample(route);
    ledger.compared(request, route,
      [{ kind: 'value', path: '/body/routes/GET ~1a/avgMs' }, { kind: 'value', path: '/body/routes/GET ~1b/avgMs' }],
      [{ kind: 'value', path: '/body/routes/GET ~1a/avgMs' }, { kind: 'value', path: '/body/routes/GET ~1admin~1stats/avgMs' }]);
    ledger.sample(route);
    ledger.compared({ ...request, id: '2' }, route,
      [{ kind: 'value', path: '/body/routes/GET ~1a/avgMs' }, { kind: 'value', path: '/body/routes/GET ~1b/avgMs' }],
      [{ kind: 'value', path: '/body/routes/GET ~1admin~1stats/count', primary: 1, candidate: 2 }]);
    const { routes, differences } = ledger.finish();
    expect(routes[0]).toMatchObject({ compared: 2, matched: 1 });
    expect(differences.map((d) => d.path)).toEqual(['/body/routes/GET ~1admin~1stats/count']);
  });
});
