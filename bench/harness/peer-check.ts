/**
 * Before anything is measured, each peer must answer each scenario the way
 * the others do (status, JSON body, response-middleware header), so no
 * peer is fast because it does less.
 */
import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import { FIELDS, HELLO, RESPONSE_HEADER, RESPONSE_HEADER_VALUE, TICK, userBody } from '../peers/shared.js';
import { benchErrors } from './errors.js';
import type { PeerProcess } from './processes.js';
import { ECHO_BODY, type Scenario } from './scenarios.js';
import { closeStreams, openStream } from './sse-load.js';

/** The status the load generators count as a correct answer. */
export function expectedStatus(scenario: Scenario): number {
  return scenario.id === 'c' ? 404 : 200;
}

const ALL_FIELDS = Object.fromEntries(FIELDS.map((field) => [field, 1]));

async function checkHttp(peer: PeerProcess, scenario: Scenario): Promise<string | null> {
  const { method, path, body } = scenario.request;
  const res = await fetch(`http://127.0.0.1:${peer.port}${path}`, { method, body, headers: scenario.request.body ? { 'content-type': 'application/json' } : {} });
  const text = await res.text();
  if (res.status !== expectedStatus(scenario)) return `status ${res.status}, expected ${expectedStatus(scenario)}`;
  if (scenario.id === 'c') return null;
  const expected = scenario.id === 'a' ? HELLO : scenario.id === 'd' ? JSON.parse(ECHO_BODY) : userBody('42', ALL_FIELDS);
  let actual: unknown;
  try {
    actual = JSON.parse(text);
  } catch {
    return `body is not JSON: ${text.slice(0, 80)}`;
  }
  if (!isDeepStrictEqual(actual, expected)) return `body ${text.slice(0, 120)}`;
  if ((scenario.id === 'b' || scenario.id === 'e') && res.headers.get(RESPONSE_HEADER) !== RESPONSE_HEADER_VALUE) {
    return `missing the response-middleware header ${RESPONSE_HEADER}`;
  }
  return null;
}

function checkWebSocket(peer: PeerProcess, scenario: Scenario): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${peer.port}${scenario.request.path}`);
    const timer = setTimeout(() => finish('no echo within 5 s'), 5_000);
    function finish(problem: string | null): void {
      clearTimeout(timer);
      socket.terminate();
      resolve(problem);
    }
    socket.on('open', () => socket.send('ping?'));
    socket.on('message', (data) => finish(data.toString() === 'ping?' ? null : `echoed ${data.toString().slice(0, 40)}`));
    socket.on('error', (err) => finish(err.message));
  });
}

async function checkStream(peer: PeerProcess, scenario: Scenario): Promise<string | null> {
  const stream = await openStream(peer.port, scenario.request.path);
  try {
    if (stream.statusCode !== 200) return `status ${stream.statusCode}`;
    if (!String(stream.headers['content-type']).startsWith('text/event-stream')) return `content-type ${stream.headers['content-type']}`;
    if (scenario.kind === 'memory') return null;
    const first = await new Promise<string>((resolve) => {
      let text = '';
      stream.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n\n')) resolve(text.slice(0, text.indexOf('\n\n') + 2));
      });
    });
    return first === `data: ${TICK}\n\n` ? null : `first event ${JSON.stringify(first)}`;
  } finally {
    closeStreams([stream]);
  }
}

export async function checkPeer(peer: PeerProcess, scenario: Scenario): Promise<void> {
  const problem =
    scenario.kind === 'websocket' ? await checkWebSocket(peer, scenario) : scenario.kind === 'sse' || scenario.kind === 'memory' ? await checkStream(peer, scenario) : await checkHttp(peer, scenario);
  if (problem) throw benchErrors.EXW_ERR_BENCH_PEER_CHECK(peer.id, scenario.id, problem);
}
