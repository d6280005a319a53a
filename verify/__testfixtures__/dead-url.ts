import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A URL on 127.0.0.1 where nobody listens: listen on port 0, note the port, close. */
export async function deadUrl(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}
