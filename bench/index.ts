/**
 * `npm run bench`: loads a NameServer (this project's, started here, or any RocketMQ NameServer
 * with --against) through every scenario and reports throughput, latency and server resources.
 */
import { createContext, type BenchContext } from './context.js';
import { parseOptions, USAGE, type ScenarioName } from './options.js';
import { machineDescription } from './proc-stats.js';
import { markdown, writeJson, type BenchReport } from './report.js';
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
  for (const name of options.scenarios) {
    ctx.log(`${name}: starting`);
    try {
      report.scenarios.push(await SCENARIOS[name](ctx));
    } catch (err) {
      ctx.log(`${name}: FAILED: ${(err as Error).stack ?? err}`);
      report.failures.push({ scenario: name, error: (err as Error).message });
    }
  }
  report.wallSeconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write('\n' + markdown(report));
  const file = writeJson(report, options.out);
  process.stdout.write(`\nJSON: ${file}\n`);
  return report.failures.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
