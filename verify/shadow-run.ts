/**
 * `expressway shadow` as a foreground process: start the proxy, show live
 * stats, and on SIGINT or SIGTERM stop it and write the final report.
 */
import pc from 'picocolors';
import { startShadow, type ShadowOptions } from './shadow-proxy.js';
import type { ShadowSnapshot } from './shadow-stats.js';

export interface RunShadowIo {
  quiet?: boolean;
  out?: NodeJS.WriteStream;
  /** Seconds between stats lines when the output is not a terminal. */
  plainIntervalSeconds?: number;
}

export async function runShadow(options: ShadowOptions, io: RunShadowIo = {}): Promise<void> {
  const out = io.out ?? process.stderr;
  const proxy = await startShadow(options);
  const statsUrl = options.statsPath === false ? undefined : `${proxy.url}${options.statsPath ?? '/__expressway/stats'}`;
  // stdout carries the one line scripts look for; live stats go to stderr.
  process.stdout.write(`expressway shadow listening on ${proxy.url} (primary ${options.primary}, candidate ${options.candidate})\n`);
  if (statsUrl) process.stdout.write(`stats: ${statsUrl}\n`);

  const tty = out.isTTY === true;
  let lastRequests = 0;
  let lastTime = Date.now();
  const tick = () => {
    const snap = proxy.stats();
    const now = Date.now();
    const rate = ((snap.requests - lastRequests) * 1000) / Math.max(1, now - lastTime);
    lastRequests = snap.requests;
    lastTime = now;
    const line = statsLine(snap, rate, tty);
    out.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  const timer = io.quiet ? undefined : setInterval(tick, tty ? 1_000 : (io.plainIntervalSeconds ?? 10) * 1_000);
  timer?.unref();

  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  if (timer) clearInterval(timer);
  if (tty) out.write('\n');
  out.write('expressway shadow: stopping, letting the mirror drain...\n');
  const report = await proxy.stop();
  const t = report.totals;
  out.write(
    `expressway shadow: ${t.compared} compared, ${t.matched} matched (parity ${t.parity}%), ${t.lost} lost, ${t.skipped} not mirrored; ` +
      `routes ready ${t.routes.ready}, not ready ${t.routes.notReady}, not covered ${t.routes.notCovered}\n`,
  );
  const b = proxy.stats().mirror.breaker;
  if (b.opened > 0) {
    out.write(`expressway shadow: the candidate stopped answering: circuit breaker opened ${b.opened} time(s), ${b.skipped} mirror request(s) not sent\n`);
  }
  if (options.reportFile) out.write(`expressway shadow: report written to ${options.reportFile}\n`);
}

export function statsLine(s: ShadowSnapshot, rate: number, colour: boolean): string {
  const c = pc.createColors(colour);
  const parity = s.mirror.compared === 0 ? c.dim('-') : s.parity === 100 ? c.green(`${s.parity}%`) : c.yellow(`${s.parity}%`);
  const dropped = s.mirror.dropped > 0 ? c.red(String(s.mirror.dropped)) : '0';
  const b = s.mirror.breaker;
  const breaker = b.state !== 'closed' || b.skipped > 0 ? ` breaker ${b.state === 'closed' ? b.state : c.red(b.state)} skipped ${b.skipped}` : '';
  const shed = s.mirror.shed > 0 ? ` shed ${c.yellow(String(s.mirror.shed))}${s.mirror.shedding ? c.yellow(` (lag ${s.mirror.lagMs} ms)`) : ''}` : '';
  return (
    `${c.bold('shadow')} ${s.requests} req (${rate.toFixed(0)}/s) | served P ${s.served.primary} C ${s.served.candidate} fallback ${s.served.fallback}` +
    ` | mirror compared ${s.mirror.compared} parity ${parity} queue ${s.mirror.waiting}+${s.mirror.running} dropped ${dropped}${shed}${breaker} lost ${s.mirror.lost}` +
    ` | candidate errors ${s.candidateErrors.timeout + s.candidateErrors.connection + s.candidateErrors.status5xx}`
  );
}
