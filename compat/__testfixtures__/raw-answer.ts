/**
 * Side-by-side tests compare answers as they went over the wire: header names
 * as spelled and in the order sent (res.rawHeaders), which fetch does not keep.
 */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  /** [name, value] as sent. */
  headers: Array<[string, string]>;
  body: string;
}

/** One request on its own connection (no agent: no keep-alive between the compared sides). */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `Name: value` lines in the order sent, without the headers `skip` matches (by name). */
export function headerLines(answer: RawAnswer, skip: RegExp = /^date$/i): string[] {
  return answer.headers.filter(([name]) => !skip.test(name)).map(([name, value]) => `${name}: ${value}`);
}
