/** Command-line settings of `npm run bench`, with modest defaults (the whole default run stays under 3 minutes). */
import os from 'node:os';

export const ALL_SCENARIOS = ['route', 'cores', 'storm', 'lists', 'churn', 'hostile', 'scale', 'controller', 'calibrate'] as const;
export type ScenarioName = (typeof ALL_SCENARIOS)[number];
export const DEFAULT_SCENARIOS: ScenarioName[] = ['route', 'cores', 'storm', 'lists', 'churn', 'hostile'];

export interface BenchOptions {
  against: { host: string; port: number } | null;
  pid: number | null;
  /** A second NameServer, already running, measured after this one in every scenario (side by side). */
  compareWith: { host: string; port: number } | null;
  comparePid: number | null;
  /** A built Java NameServer (its folder, with bin/mqnamesrv) started as that second server. */
  java: string | null;
  javaHeap: string;
  javaWarmupSeconds: number;
  compareLabel: string | null;
  /** A scenario on the other server taking longer than this is abandoned (and a started Java NameServer stopped). */
  compareTimeoutSeconds: number;
  scenarios: ScenarioName[];
  workers: number;
  connections: number;
  inFlight: number;
  /** Paced requests a second for pipelined loads (0: closed loop, `inFlight` per connection). */
  rate: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Requests per measured phase (0: run for the duration). */
  requests: number;
  version: number;
  routeBrokers: number;
  routeTopics: number;
  stormBrokers: number;
  stormTopics: number;
  bigTopics: number;
  /** Registrations per second of the storm brokers (together). */
  stormRate: number;
  /** Pause between registrations of the big broker, ms. */
  bigIntervalMs: number;
  listBrokers: number;
  listTopics: number;
  listConnections: number;
  churnConcurrency: number;
  /** Connections sending compressed REGISTER_BROKER bombs in the hostile scenario. */
  hostileBombers: number;
  /** Connections announcing 16 MiB frames and dribbling bytes in the hostile scenario. */
  hostileDribblers: number;
  scaleBrokers: number;
  scaleTopics: number;
  scaleBrokersPerTopic: number;
  /** Broker sets (a master and a slave each) of the controller scenario. */
  controllerSets: number;
  /** Extra mqcontroller options for the controller scenario's controller. */
  controllerArgs: string[];
  serverNodeArgs: string[];
  /** The mqnamesrv script to start (another build of this project, for before/after runs). */
  serverCli: string | null;
  /** Extra mqnamesrv options for the server this bench starts. */
  serverArgs: string[];
  out: string | null;
  label: string;
  help: boolean;
}

export const USAGE = `npm run bench -- [options]

  --against=HOST:PORT     bench a running NameServer (any RocketMQ NameServer) instead of starting this one
  --pid=N                 with --against: the server's local pid, for RSS and CPU from /proc
  --java=DIR              side by side: also start the Java NameServer built in DIR (DIR/bin/mqnamesrv),
                          warm it up, and run every scenario on this project's server and then on it
  --java-heap=SIZE        its heap (default 256m); --java-warmup=S its warm-up of route lookups (default 40)
  --compare-with=HOST:PORT --compare-pid=N    side by side with a NameServer already running instead
  --compare-label=TEXT    that server's name in the report
  --compare-timeout=S     abandon a scenario on that server after S seconds (default 300; a Java
                          NameServer out of heap can take minutes per request) and stop a started one
  --scenarios=LIST        comma list of ${ALL_SCENARIOS.join(', ')}; "all" for every one
                          (default ${DEFAULT_SCENARIOS.join(',')}; scale, controller and calibrate are opt-in)
  --workers=N             load-generator processes (default: cores, at least 1)
  --connections=N         route-lookup connections (default 64)
  --in-flight=N           requests in flight per connection (default 4)
  --rate=N                lookup and list loads send N requests a second in all, whatever is answered,
                          each timed from when it was due (open loop), instead of keeping --in-flight
                          outstanding per connection (default 0: closed loop)
  --warmup=S              seconds of unrecorded load before each measurement (default 3)
  --duration=S            seconds per measured phase (default 8)
  --requests=N            stop a measured phase after N requests instead (the duration still bounds it)
  --version=N             remoting version of requests (default 409 = 4.9.8 client/broker)
  --route-brokers=B --route-topics=T           route-lookup registry (default 8 x 1000, every broker has every topic)
  --storm-brokers=B --storm-topics=T           storm registry (default 100 x 1000, each topic on 10 brokers)
  --big-topics=N          topics of the big broker of the storm (default 20000)
  --storm-rate=N          storm re-registrations per second (default 50)
  --big-interval-ms=N     pause between big-broker re-registrations (default 100)
  --list-brokers=B --list-topics=T             cluster-info / topic-list registry (default 100 x 1000, 10,000 distinct topics)
  --churn-concurrency=N   concurrent connect-ask-close loops (default 32)
  --hostile-bombers=N --hostile-dribblers=M    hostile scenario: connections sending zlib bombs / announcing
                          16 MiB frames and dribbling bytes (default 20, 300)
  --scale-brokers=B --scale-topics=T --scale-brokers-per-topic=K  (default 300 x 10000, 10)
  --controller-sets=N     controller scenario: broker sets of a master and a slave (default 500 = 1,000 brokers)
  --controller-args="…"   mqcontroller options for that scenario's controller (e.g. --scanNotActiveBrokerInterval=1000)
  --server-node-args="…"  node options for the server this bench starts (e.g. --cpu-prof)
  --server-cli=FILE       start this mqnamesrv script instead of bin/mqnamesrv.js (another build, for before/after)
  --server-args="…"       mqnamesrv options for that server (default --httpPort=0; empty for builds without HTTP)
  --out=FILE              JSON result file (default bench/results/<time>.json)
  --label=TEXT            a name for this run in the report
`;

export function parseOptions(argv: string[]): BenchOptions {
  const values = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
    values.set(match[1], match[2] ?? 'true');
  }
  const known = new Set([
    'against', 'pid', 'compare-with', 'compare-pid', 'compare-label', 'java', 'java-heap', 'java-warmup', 'compare-timeout', 'scenarios', 'workers', 'connections', 'in-flight', 'rate', 'warmup', 'duration', 'requests', 'version',
    'route-brokers', 'route-topics', 'storm-brokers', 'storm-topics', 'big-topics', 'storm-rate', 'big-interval-ms',
    'list-brokers', 'list-topics', 'list-connections', 'churn-concurrency', 'hostile-bombers', 'hostile-dribblers', 'scale-brokers', 'scale-topics',
    'scale-brokers-per-topic', 'controller-sets', 'controller-args', 'server-node-args', 'server-cli', 'server-args', 'out', 'label', 'help',
  ]);
  for (const key of values.keys()) if (!known.has(key)) throw new Error(`unknown option --${key}\n\n${USAGE}`);

  const num = (key: string, fallback: number, min = 0): number => {
    const raw = values.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${key} must be a number >= ${min}, not "${raw}"`);
    return n;
  };

  const address = (key: string): { host: string; port: number } | null => {
    const raw = values.get(key);
    if (raw === undefined) return null;
    const match = /^(.+):(\d+)$/.exec(raw);
    if (!match) throw new Error(`--${key} wants HOST:PORT, not "${raw}"`);
    return { host: match[1]!, port: Number(match[2]) };
  };
  const target = values.get('against');
  const against = address('against');
  const compareWith = address('compare-with');
  const java = values.get('java') ?? null;
  if (compareWith && java) throw new Error('--compare-with and --java both name the second server: give one');
  if (against && (compareWith || java)) throw new Error('a side-by-side run starts this project\'s server itself: drop --against');

  const list = values.get('scenarios');
  let scenarios: ScenarioName[] = DEFAULT_SCENARIOS;
  if (list === 'all') scenarios = [...ALL_SCENARIOS];
  else if (list !== undefined) {
    scenarios = list.split(',').map((s) => s.trim()).filter(Boolean) as ScenarioName[];
    for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}" (known: ${ALL_SCENARIOS.join(', ')})`);
  }

  return {
    against,
    pid: values.has('pid') ? num('pid', 0, 1) : null,
    compareWith,
    comparePid: values.has('compare-pid') ? num('compare-pid', 0, 1) : null,
    java,
    javaHeap: values.get('java-heap') ?? '256m',
    javaWarmupSeconds: num('java-warmup', 40),
    compareLabel: values.get('compare-label') ?? null,
    compareTimeoutSeconds: num('compare-timeout', 300, 1),
    scenarios,
    workers: num('workers', Math.max(1, os.cpus().length), 1),
    connections: num('connections', 64, 1),
    inFlight: num('in-flight', 4, 1),
    rate: num('rate', 0),
    warmupSeconds: num('warmup', 3),
    durationSeconds: num('duration', 8, 0.5),
    requests: num('requests', 0),
    version: num('version', 409, 0),
    routeBrokers: num('route-brokers', 8, 1),
    routeTopics: num('route-topics', 1000, 1),
    stormBrokers: num('storm-brokers', 100, 1),
    stormTopics: num('storm-topics', 1000, 1),
    bigTopics: num('big-topics', 20000, 1),
    stormRate: num('storm-rate', 50, 0),
    bigIntervalMs: num('big-interval-ms', 100, 0),
    listBrokers: num('list-brokers', 100, 1),
    listTopics: num('list-topics', 1000, 1),
    listConnections: num('list-connections', 8, 1),
    churnConcurrency: num('churn-concurrency', 32, 1),
    hostileBombers: num('hostile-bombers', 20),
    hostileDribblers: num('hostile-dribblers', 300),
    scaleBrokers: num('scale-brokers', 300, 1),
    scaleTopics: num('scale-topics', 10000, 1),
    scaleBrokersPerTopic: num('scale-brokers-per-topic', 10, 1),
    controllerSets: num('controller-sets', 500, 2),
    controllerArgs: (values.get('controller-args') ?? '').split(/\s+/).filter(Boolean),
    serverNodeArgs: (values.get('server-node-args') ?? '').split(/\s+/).filter(Boolean),
    serverCli: values.get('server-cli') ?? null,
    serverArgs: (values.get('server-args') ?? '--httpPort=0').split(/\s+/).filter(Boolean),
    out: values.get('out') ?? null,
    label: values.get('label') ?? (against ? `NameServer at ${target}` : 'this project'),
    help: values.has('help'),
  };
}
