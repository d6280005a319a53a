/**
 * One entry point for traffic in any supported format: detects NDJSON (ours),
 * HAR 1.2 or GoReplay from the file's first bytes and streams its entries.
 */
import { open } from 'node:fs/promises';
import { VerifyErrors } from './errors.js';
import { readGoReplay } from './import-goreplay.js';
import { readHar } from './import-har.js';
import { readNdjson, type TrafficEntry } from './traffic.js';

export type TrafficFormat = 'ndjson' | 'har' | 'goreplay';

export async function detectTrafficFormat(path: string): Promise<TrafficFormat> {
  let head: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_FORMAT(path, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const trimmed = head.trimStart();
  if (/^[123] [0-9a-fA-F]+ \d+/.test(trimmed)) return 'goreplay';
  if (trimmed.startsWith('{')) {
    const firstLine = trimmed.slice(0, trimmed.indexOf('\n') < 0 ? undefined : trimmed.indexOf('\n'));
    // A HAR document starts with {"log": ...}, usually pretty printed; an NDJSON line is a whole exchange.
    if (/^\{\s*"log"\s*:/.test(trimmed) || firstLine.trim() === '{') return 'har';
    return 'ndjson';
  }
  if (trimmed === '') throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_EMPTY(path);
  throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_FORMAT(path, 'not NDJSON traffic, a HAR file or a GoReplay file');
}

/** Streams entries from a traffic file in any supported format. */
export async function readTraffic(path: string, format?: TrafficFormat): Promise<{ format: TrafficFormat; entries: AsyncGenerator<TrafficEntry> }> {
  const fmt = format ?? (await detectTrafficFormat(path));
  const entries = fmt === 'har' ? readHar(path) : fmt === 'goreplay' ? readGoReplay(path) : readNdjson(path);
  return { format: fmt, entries };
}
