/** ts-morph loads only here, only when the project pass runs (it costs about half a second). */
export type TsMorph = typeof import('ts-morph');

let loaded: Promise<TsMorph> | null = null;

export function loadTsMorph(): Promise<TsMorph> {
  loaded ??= import('ts-morph');
  return loaded;
}
