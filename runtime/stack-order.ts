/**
 * Express's stack order of routes from their registration positions
 * (registration-order.ts): where Express walks its layers, a mounted
 * router's routes sit at the mount's place.
 */
import type { Position } from './registration-order.js';

export function comparePositions(a: Position, b: Position): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i]!.seq !== b[i]!.seq) return a[i]!.seq - b[i]!.seq;
  return a.length - b.length;
}
