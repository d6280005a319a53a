/**
 * The table of long runs `npm run hardening` knows: each maps a size (a
 * count or seconds) to a JSON-able result and the list of broken guarantees
 * (empty when the run passed). The same functions back test/hardening/.
 */
import { runCodemodCorpus } from './codemod-corpus.js';
import { runCompatLoad } from './compat-load.js';
import { runMountBypass } from './mount-bypass.js';
import { runFuzz } from './fuzz.js';
import { runBackpressure, runSlowClients } from './slow-clients.js';
import { runShadowKill } from './shadow-kill.js';
import { runShutdownUnderLoad } from './shutdown-under-load.js';
import { runSoak } from './soak.js';
import { runBigTraffic, runVerifyKill } from './verify-kill.js';

export interface RunOutcome {
  result: unknown;
  problems: string[];
}

interface RunSpec {
  unit: string;
  longSize: number;
  run(size: number, seed: number): Promise<RunOutcome>;
}

async function fuzz(size: number, seed: number): Promise<RunOutcome> {
  let lastLog = Date.now();
  const report = await runFuzz({
    count: size,
    seed,
    concurrency: 64,
    onProgress: (done) => {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        process.stderr.write(`  fuzz: ${done}/${size}\n`);
      }
    },
  });
  const problems: string[] = [];
  if (report.crashes > 0) problems.push(`server crashed: ${report.crashDetail}`);
  if (report.byOutcome['server-error-5xx'] > 0) problems.push(`${report.byOutcome['server-error-5xx']} connections answered 5xx`);
  if (report.byOutcome.hang > 0) problems.push(`${report.byOutcome.hang} connections hung`);
  if (report.byOutcome['other-status'] > 0) problems.push(`${report.byOutcome['other-status']} connections got a non-2xx/4xx answer`);
  if (report.healthyAfter !== report.healthChecks) problems.push(`only ${report.healthyAfter}/${report.healthChecks} normal requests served afterwards`);
  return { result: report, problems };
}

/** size = clients of each kind (slowloris, slow body, never-reading). */
async function slow(size: number): Promise<RunOutcome> {
  const mib = 1024 * 1024;
  const timeouts = await runSlowClients({ clients: size, headersTimeout: 2_000, requestTimeout: 5_000 });
  // The runtime's default sendTimeout (60 s): the figure is for what users get.
  // The sweep runs every quarter of sendTimeout: the end comes 1x to 1.25x sendTimeout after the last byte taken.
  const backpressure = await runBackpressure({ clients: size, bytesPerClient: 1024 * mib, waitMs: 150_000 });
  const problems: string[] = [];
  if (timeouts.crashed || backpressure.crashed) problems.push('server crashed');
  if (timeouts.slowloris.answered408 !== size) problems.push(`${size - timeouts.slowloris.answered408} slowloris clients not answered 408 by headersTimeout`);
  if (timeouts.slowBody.answered408 !== size) problems.push(`${size - timeouts.slowBody.answered408} slow bodies not answered 408 by requestTimeout`);
  if (timeouts.slowBodyAfterAnswer.closedByServer !== size) problems.push(`${size - timeouts.slowBodyAfterAnswer.closedByServer} slow bodies after an answer not closed`);
  if (timeouts.slowBodyAfterAnswer.answered408 !== 0) problems.push('a 408 was written after an answer had begun');
  if (timeouts.servedDuring + timeouts.servedAfter !== 10) problems.push('normal requests failed during or after the slow clients');
  if (backpressure.rssGrowth > 256 * mib) problems.push(`RSS grew ${backpressure.rssGrowth} bytes with stalled readers`);
  if (backpressure.endedByServerAfterMs === null) problems.push(`${backpressure.openConnectionsAtEnd} stalled readers not ended by sendTimeout`);
  if (backpressure.openConnectionsAfter !== 0) problems.push(`${backpressure.openConnectionsAfter} connections left open after the readers left`);
  return { result: { timeouts, backpressure }, problems };
}

/** size = seconds of load before close. */
async function shutdown(size: number): Promise<RunOutcome> {
  const report = await runShutdownUnderLoad({ loadSeconds: size, connections: 100, requestMs: 500 });
  const problems: string[] = [];
  if (report.crashed) problems.push('server crashed');
  if (report.responsesAborted > 0) problems.push(`${report.responsesAborted} in-flight responses cut`);
  if (report.non2xx > 0) problems.push(`${report.non2xx} non-2xx answers`);
  if (Object.keys(report.errorsBeforeClose).length > 0) problems.push(`errors before close: ${JSON.stringify(report.errorsBeforeClose)}`);
  const unexpected = Object.keys(report.errorsAfterCloseBegan).filter((code) => code !== 'ECONNREFUSED' && code !== 'ECONNRESET');
  if (unexpected.length > 0) problems.push(`unexpected errors after close: ${unexpected.join(', ')}`);
  if (report.newConnectionDuringDrain !== 'ECONNREFUSED') problems.push(`a new connection during the drain got ${report.newConnectionDuringDrain}`);
  return { result: report, problems };
}

/** size = files copied from node_modules. */
async function codemods(size: number): Promise<RunOutcome> {
  const report = await runCodemodCorpus(size);
  const problems: string[] = [];
  if (report.filesPicked < size) problems.push(`only ${report.filesPicked} files found`);
  if (report.runnerCrashes > 0) problems.push(`the runner threw ${report.runnerCrashes} times`);
  if (report.rewrittenThatDoNotParse.length > 0) problems.push(`${report.rewrittenThatDoNotParse.length} rewritten files do not parse`);
  if (report.secondRunChanged.length > 0) problems.push(`${report.secondRunChanged.length} files change again on the second run`);
  const crashes = Object.entries(report.failuresByCode).filter(([code]) => code !== 'EXW_ERR_CODEMOD_TRANSFORM_PARSE');
  if (crashes.length > 0) problems.push(`per-file failures: ${JSON.stringify(Object.fromEntries(crashes))}`);
  return { result: report, problems };
}

/** size = requests in the mixed legacy/migrated load. */
async function compat(size: number): Promise<RunOutcome> {
  const bypass = await runMountBypass();
  const load = await runCompatLoad(size, 50);
  const problems: string[] = [];
  if (bypass.bypasses.length > 0) problems.push(`${bypass.bypasses.length} bypasses: ${JSON.stringify(bypass.bypasses)}`);
  if (bypass.controlsServed !== bypass.controls) problems.push('guarded routes did not answer with the token');
  if (load.responses !== size || load.non2xx > 0 || load.errors > 0 || load.timeouts > 0) problems.push(`load: ${JSON.stringify(load)}`);
  if (load.openConnectionsAfter > 0) problems.push(`${load.openConnectionsAfter} sockets left open`);
  return { result: { bypass, load }, problems };
}

/** size = seconds of mixed HTTP/WebSocket/SSE clients. */
async function soak(size: number, seed: number): Promise<RunOutcome> {
  const report = await runSoak({ seconds: size, clients: 50, sampleEveryMs: 5_000, seed });
  const mib = 1024 * 1024;
  const problems: string[] = [];
  if (report.crashed) problems.push('server crashed');
  if (report.sessions.failed > 0) problems.push(`${report.sessions.failed} client sessions failed: ${JSON.stringify(report.failures)}`);
  if (report.connectionsAfter > 0) problems.push(`${report.connectionsAfter} connections left after the clients`);
  if (report.handlesAfter > report.handlesBefore + 5) problems.push(`handles ${report.handlesBefore} -> ${report.handlesAfter}`);
  // Generous bound on the second-half trend: a real leak under this churn grows far faster.
  if (report.rssSlopePerMinute > 5 * mib) problems.push(`RSS slope ${report.rssSlopePerMinute} bytes/min`);
  return { result: report, problems };
}

/** size = requests through the shadow proxy; the candidate is killed at a seeded point. */
async function shadow(size: number, seed: number): Promise<RunOutcome> {
  const report = await runShadowKill(size, seed);
  const problems: string[] = [];
  if (report.answeredByPrimary !== size) problems.push(`${size - report.answeredByPrimary} client requests not answered 200 by the primary`);
  if (report.accountedFor !== size) problems.push(`mirror accounting: ${report.accountedFor} of ${size}`);
  return { result: report, problems };
}

/** size = requests replayed by verify; the candidate is killed at a seeded point. */
async function verifyKill(size: number, seed: number): Promise<RunOutcome> {
  const report = await runVerifyKill(size, seed);
  const problems: string[] = [];
  if (report.accountedFor !== size) problems.push(`verify accounted for ${report.accountedFor} of ${size} requests`);
  // The report lists the first 1,000 lost comparisons; its totals count them all.
  if (report.lostListed !== Math.min(report.totals.lost, 1_000)) problems.push(`lost ${report.totals.lost} but ${report.lostListed} listed`);
  return { result: report, problems };
}

/** size = MiB of NDJSON traffic generated into a temp dir and streamed back. */
async function traffic(size: number): Promise<RunOutcome> {
  const report = await runBigTraffic(size * 1024 * 1024);
  const problems: string[] = [];
  if (report.malformed > 0) problems.push(`${report.malformed} entries failed to parse`);
  if (report.entries !== report.entriesWritten) problems.push(`read ${report.entries} of ${report.entriesWritten} entries`);
  // Bounded means independent of the file size: far below it, whatever the size.
  if (report.rssPeak - report.rssBefore > 128 * 1024 * 1024) problems.push(`RSS grew ${report.rssPeak - report.rssBefore} bytes while streaming`);
  return { result: report, problems };
}

export const RUNS = {
  fuzz: { unit: 'requests', longSize: 100_000, run: fuzz },
  slow: { unit: 'clients of each kind', longSize: 50, run: slow },
  shutdown: { unit: 'seconds of load', longSize: 10, run: shutdown },
  codemods: { unit: 'files', longSize: 1_000, run: codemods },
  compat: { unit: 'requests', longSize: 10_000, run: compat },
  soak: { unit: 'seconds', longSize: 600, run: soak },
  shadow: { unit: 'requests', longSize: 5_000, run: shadow },
  verify: { unit: 'requests', longSize: 5_000, run: verifyKill },
  traffic: { unit: 'MiB of traffic', longSize: 1_024, run: traffic },
} satisfies Record<string, RunSpec>;

export type RunId = keyof typeof RUNS;
