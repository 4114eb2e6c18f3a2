/**
 * `npm run bench`: loads a NameServer (this project's, started here, or any RocketMQ NameServer
 * with --against) through every scenario and reports throughput, latency and server resources.
 * With a second server (`--java`, `--compare-with`) each scenario runs on this project's server and
 * then on the other, in turn, so that both meet the same machine; the report sets them side by side.
 */
import { createContext, type BenchContext } from './context.js';
import { parseOptions, USAGE, type BenchOptions, type ScenarioName } from './options.js';
import { machineDescription } from './proc-stats.js';
import { markdown, writeJson, type BenchReport, type PeerReport } from './report.js';
import type { ScenarioResult } from './results-model.js';
import { calibrationScenario } from './scenarios/calibration.js';
import { connectionChurnScenario } from './scenarios/connection-churn.js';
import { largeListsScenario } from './scenarios/large-lists.js';
import { registrationStormScenario } from './scenarios/registration-storm.js';
import { routeLookupScenario } from './scenarios/route-lookup.js';
import { largeScaleScenario } from './scenarios/large-scale.js';
import { hostileClientsScenario } from './scenarios/hostile-clients.js';
import { controllerScenario } from './scenarios/controller.js';
import { servingProcessesScenario } from './scenarios/serving-processes.js';
import { startPeer, type PeerServer } from './peer-server.js';

const SCENARIOS: Record<ScenarioName, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  route: routeLookupScenario,
  storm: registrationStormScenario,
  lists: largeListsScenario,
  churn: connectionChurnScenario,
  hostile: hostileClientsScenario,
  cores: servingProcessesScenario,
  scale: largeScaleScenario,
  controller: controllerScenario,
  calibrate: calibrationScenario,
};

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const ctx = createContext(options);
  const started = Date.now();
  const { help: _help, ...recorded } = options;
  const report: BenchReport = {
    format: 'namesrv-bench/1',
    label: options.label,
    target: options.against ? `${options.against.host}:${options.against.port}${options.pid ? ` (pid ${options.pid})` : ''}` : `this project, started per scenario (${options.serverCli ?? 'bin/mqnamesrv.js'})`,
    startedAt: new Date(started).toISOString(),
    wallSeconds: 0,
    machine: machineDescription(),
    options: recorded,
    scenarios: [],
    failures: [],
  };
  let peer: PeerServer | null = null;
  try {
    peer = await startPeer(options, ctx);
    if (peer) report.peer = { label: peer.label, target: '', scenarios: [], failures: [], facts: peer.facts };
    for (const name of options.scenarios) {
      ctx.log(`${name}: starting`);
      await runScenario(name, ctx, report);
      if (!peer) continue;
      try {
        await peer.ensureRunning(name);
      } catch (err) {
        report.peer!.failures.push({ scenario: name, error: `could not start it again: ${(err as Error).message}` });
        continue;
      }
      await runOnPeer(name, peer, options, report.peer!, ctx);
    }
  } finally {
    await peer?.stop();
  }
  report.wallSeconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write('\n' + markdown(report));
  const file = writeJson(report, options.out);
  process.stdout.write(`\nJSON: ${file}\n`);
  return report.failures.length ? 1 : 0;
}

/**
 * Runs a scenario on the other server of a side-by-side run, abandoning it past
 * `--compare-timeout` (a Java NameServer out of heap can take minutes per request).
 */
async function runOnPeer(name: ScenarioName, peer: PeerServer, options: BenchOptions, into: PeerReport, ctx: BenchContext): Promise<void> {
  const peerOptions = { ...options, against: { host: peer.host, port: peer.port }, pid: peer.pid, compareWith: null, java: null };
  into.target = `${peer.host}:${peer.port}${peer.pid ? ` (pid ${peer.pid})` : ''}`;
  ctx.log(`${name}: starting on ${peer.label}`);
  // Into a scratch report: an abandoned scenario's late results are not the server's.
  const scratch: Pick<BenchReport, 'scenarios' | 'failures'> = { scenarios: [], failures: [] };
  const finished = runScenario(name, createContext(peerOptions), scratch);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.compareTimeoutSeconds * 1000)));
  if (await Promise.race([finished.then(() => false), timedOut])) {
    into.failures.push({ scenario: name, error: `abandoned after ${options.compareTimeoutSeconds} s (--compare-timeout); the server was stopped if this run started it` });
    ctx.log(`${name}: abandoned on ${peer.label} after ${options.compareTimeoutSeconds} s`);
    await peer.stop();
    await finished;
  } else {
    into.scenarios.push(...scratch.scenarios);
    into.failures.push(...scratch.failures);
  }
  clearTimeout(timer);
}

async function runScenario(name: ScenarioName, ctx: BenchContext, into: Pick<BenchReport, 'scenarios' | 'failures'>): Promise<void> {
  try {
    into.scenarios.push(await SCENARIOS[name](ctx));
  } catch (err) {
    ctx.log(`${name}: FAILED: ${(err as Error).stack ?? err}`);
    into.failures.push({ scenario: name, error: (err as Error).message });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
