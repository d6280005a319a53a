/**
 * HAR 1.2 import (browser dev tools, proxies). The entries are streamed out
 * of the document one at a time (har-entries.ts); each becomes one
 * exchange, and a malformed entry is reported by its number (`line` = entry
 * index + 1) without stopping the rest.
 */
import { VerifyErrors } from './errors.js';
import { harEntryTexts } from './har-entries.js';
import { TRAFFIC_VERSION, encodeBody, type Exchange, type HeaderMap, type TrafficEntry } from './traffic.js';

interface HarHeader {
  name: string;
  value: string;
}
interface HarEntry {
  startedDateTime?: string;
  time?: number;
  request?: {
    method?: string;
    url?: string;
    headers?: HarHeader[];
    postData?: { mimeType?: string; text?: string; encoding?: string };
  };
  response?: {
    status?: number;
    headers?: HarHeader[];
    content?: { mimeType?: string; text?: string; encoding?: string };
  };
}

export async function* readHar(path: string): AsyncGenerator<TrafficEntry> {
  const texts = harEntryTexts(path);
  let result: IteratorResult<{ index: number; text: string }, { foundEntries: boolean }>;
  try {
    while (!(result = await texts.next()).done) {
      const { index, text } = result.value;
      try {
        let entry: HarEntry;
        try {
          entry = JSON.parse(text) as HarEntry;
        } catch (err) {
          throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_LINE(path, `entry ${index + 1}`, `invalid JSON (${(err as Error).message})`);
        }
        yield { seq: index, line: index + 1, exchange: harEntryToExchange(entry, index, path) };
      } catch (err) {
        yield { seq: index, line: index + 1, error: err as Error };
      }
    }
  } catch (err) {
    throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_FORMAT(path, `not a readable HAR file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!result.value.foundEntries) throw VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_FORMAT(path, 'HAR file has no log.entries array');
}

export function harEntryToExchange(entry: HarEntry, index: number, source = 'HAR'): Exchange {
  const fail = (what: string) => VerifyErrors.EXW_ERR_VERIFY_TRAFFIC_LINE(source, `entry ${index + 1}`, what);
  const req = entry?.request;
  if (!req || typeof req.method !== 'string' || typeof req.url !== 'string') throw fail('request.method or request.url missing');
  let url: URL;
  try {
    url = new URL(req.url, 'http://har.invalid');
  } catch {
    throw fail(`request.url "${req.url}" is not a URL`);
  }
  const exchange: Exchange = {
    v: TRAFFIC_VERSION,
    id: `har-${index + 1}`,
    ts: entry.startedDateTime ?? new Date(0).toISOString(),
    request: { method: req.method.toUpperCase(), url: url.pathname + url.search, headers: harHeaders(req.headers) },
  };
  if (req.postData?.text) {
    const bytes = Buffer.from(req.postData.text, req.postData.encoding === 'base64' ? 'base64' : 'utf8');
    Object.assign(exchange.request, encodeBody(bytes));
  }
  const res = entry.response;
  if (res && typeof res.status === 'number' && res.status > 0) {
    exchange.response = { status: res.status, headers: harHeaders(res.headers) };
    if (res.content?.text) {
      const bytes = Buffer.from(res.content.text, res.content.encoding === 'base64' ? 'base64' : 'utf8');
      Object.assign(exchange.response, encodeBody(bytes));
    }
  }
  if (typeof entry.time === 'number' && entry.time >= 0) exchange.durationMs = entry.time;
  return exchange;
}

function harHeaders(list: HarHeader[] | undefined): HeaderMap {
  const out: HeaderMap = {};
  for (const h of list ?? []) {
    // HTTP/2 pseudo headers (:authority, :path) are not request headers to replay.
    if (typeof h?.name !== 'string' || h.name.startsWith(':')) continue;
    const name = h.name.toLowerCase();
    const prev = out[name];
    out[name] = prev === undefined ? String(h.value) : Array.isArray(prev) ? [...prev, String(h.value)] : [prev, String(h.value)];
  }
  return out;
}
