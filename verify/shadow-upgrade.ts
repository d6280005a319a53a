/**
 * Upgrade requests (WebSocket handshakes) through the shadow proxy: tunnelled
 * to the primary as raw bytes in both directions once the primary agrees
 * (101). They are never mirrored: a second live connection to the candidate
 * would double every message the client sends.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { forwardRequestHeaders, upstreamPath, type Target } from './shadow-forward.js';

export function tunnelUpgrade(target: Target, req: http.IncomingMessage, client: Duplex, head: Buffer, onDone: (status: number) => void): void {
  const upstream = target.request({
    protocol: target.url.protocol,
    hostname: target.url.hostname,
    port: target.url.port,
    method: req.method,
    path: upstreamPath(target, req.url ?? '/'),
    headers: forwardRequestHeaders(req.rawHeaders, target, true) as unknown as http.OutgoingHttpHeaders,
    agent: false,
  });
  client.on('error', () => upstream.destroy());
  upstream.on('upgrade', (answer, server, serverHead) => {
    client.write(statusLine(answer) + rawHeaderLines(answer.rawHeaders) + '\r\n');
    if (serverHead.length > 0) client.write(serverHead);
    if (head.length > 0) server.write(head);
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    server.pipe(client);
    client.pipe(server);
    onDone(answer.statusCode ?? 101);
  });
  // The primary refused the upgrade with an ordinary answer: relay it and close, as the handshake failed.
  upstream.on('response', (answer) => {
    const headers: string[] = [];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      const lower = answer.rawHeaders[i]!.toLowerCase();
      if (lower === 'transfer-encoding' || lower === 'connection' || lower === 'keep-alive') continue;
      headers.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
    }
    headers.push('Connection', 'close');
    client.write(statusLine(answer) + rawHeaderLines(headers) + '\r\n');
    answer.pipe(client);
    onDone(answer.statusCode ?? 502);
  });
  upstream.on('error', (err) => {
    if (client.writable) client.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nexpressway shadow: upstream failed (${err.message})\n`);
    onDone(502);
  });
  upstream.end();
}

function statusLine(answer: http.IncomingMessage): string {
  return `HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\n`;
}

function rawHeaderLines(raw: string[]): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return out;
}
