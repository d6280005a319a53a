/**
 * `--shard i/n`: a deterministic split of the traffic. Entry number `seq`
 * (0-based position in the file, malformed entries included) goes to shard
 * `seq % n + 1`, so the n shards partition the traffic exactly, every
 * machine agrees without talking, and each shard gets a slice of every
 * part of the file rather than one time window.
 */
import { VerifyErrors } from './errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw VerifyErrors.EXW_ERR_VERIFY_SHARD(text);
  return { index, count };
}

export function inShard(seq: number, shard: Shard): boolean {
  return seq % shard.count === shard.index - 1;
}
