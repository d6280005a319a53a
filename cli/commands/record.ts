import type { Command } from 'commander';
import { UsageError } from '../exit.js';

interface RecordFlags {
  target: string;
  listen: string;
  host: string;
  out: string;
  redact: boolean;
  redactHeader?: string;
  redactField?: string;
  maxBody: string;
  quiet?: boolean;
}

export function registerRecord(program: Command): void {
  program
    .command('record')
    .description('Recording proxy: forward traffic to the target unchanged and append each exchange to an NDJSON file.')
    .requiredOption('--target <url>', 'the app to record, e.g. http://127.0.0.1:3000')
    .requiredOption('--listen <port>', 'port to listen on (0: any free port)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--out <file>', 'NDJSON file to append to', 'traffic.ndjson')
    .option('--no-redact', 'store secrets (Authorization, cookies, secret fields) as they are')
    .option('--redact-header <list>', 'more headers to redact')
    .option('--redact-field <list>', 'more JSON fields / query parameters to redact')
    .option('--max-body <bytes>', 'bytes of each body stored (the proxied body is never cut)', '1048576')
    .option('--quiet', 'no status lines')
    .action(async (flags: RecordFlags) => {
      const { recordTraffic } = await import('../../verify/record-proxy.js');
      const { DEFAULT_REDACT_FIELDS, DEFAULT_REDACT_HEADERS } = await import('../../verify/redact.js');
      const port = Number(flags.listen);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--listen must be a port number, got "${flags.listen}"`);
      const maxBody = Number(flags.maxBody);
      if (!Number.isInteger(maxBody) || maxBody < 0) throw new UsageError(`--max-body must be a number of bytes, got "${flags.maxBody}"`);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      for (const s of signals) process.once(s, onSignal);
      try {
        const count = await recordTraffic({
          target: flags.target,
          port,
          host: flags.host,
          out: flags.out,
          maxBodyBytes: maxBody,
          redact: flags.redact
            ? { headers: [...DEFAULT_REDACT_HEADERS, ...list(flags.redactHeader)], fields: [...DEFAULT_REDACT_FIELDS, ...list(flags.redactField)] }
            : false,
          signal: stop.signal,
          onListening: (r) => {
            if (!flags.quiet) process.stderr.write(`expressway record: ${r.url} -> ${flags.target}, writing ${flags.out} (Ctrl-C to stop)\n`);
          },
        });
        if (!flags.quiet) process.stderr.write(`expressway record: ${count} exchange(s) written to ${flags.out}\n`);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EXW_ERR_VERIFY_RECORD_TARGET' || code === 'EADDRINUSE' || code === 'EACCES' || code === 'ENOENT') {
          throw new UsageError((err as Error).message);
        }
        throw err;
      } finally {
        for (const s of signals) process.off(s, onSignal);
      }
    });
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
