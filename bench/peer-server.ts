/**
 * The other NameServer of a side-by-side run: one already running (`--compare-with`), or a built
 * Java NameServer this bench starts (`--java=DIR`: DIR/bin/mqnamesrv, its heap fixed, a temp home,
 * a free port) and warms up with route lookups before anything is measured, so that its JIT has
 * compiled the paths the scenarios take. Kept for the whole run; started again if it dies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../src/util/free-ports.js';
import type { BenchContext } from './context.js';
import type { BenchOptions } from './options.js';
import { runPhasedLoad } from './phased-load.js';
import { sampleProcess } from './proc-stats.js';
import type { Fact } from './results-model.js';
import { routeLookupRequest, pipelinedLoad } from './scenarios/common.js';
import { routeLayout } from './scenarios/route-lookup.js';
import { SimulatedRegistry } from './registry.js';
import { idleRssMb, startServerProcess, type StartedServer } from './server-process.js';

const JAVA_BOOT_LINE = /The Name Server boot success/;
/** A JVM loading RocketMQ on a busy 2-core machine takes seconds. */
const JAVA_BOOT_TIMEOUT_MS = 60_000;

export interface PeerServer {
  host: string;
  port: number;
  pid: number | null;
  label: string;
  /** What was measured of it outside the scenarios (start-up, idle RSS, restarts). */
  facts: Fact[];
  /** Before each scenario: starts it again if it has died (a started one only); says so in `facts`. */
  ensureRunning(scenario: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPeer(options: BenchOptions, ctx: BenchContext): Promise<PeerServer | null> {
  if (options.compareWith) {
    const { host, port } = options.compareWith;
    return {
      host,
      port,
      pid: options.comparePid,
      label: options.compareLabel ?? `NameServer at ${host}:${port}`,
      facts: [],
      ensureRunning: async () => undefined,
      stop: async () => undefined,
    };
  }
  if (!options.java) return null;
  const javaDir = options.java;
  const peer: PeerServer = {
    host: '127.0.0.1',
    port: 0,
    pid: null,
    label: options.compareLabel ?? `Java NameServer (${path.basename(path.resolve(javaDir))}, heap ${options.javaHeap})`,
    facts: [],
    ensureRunning: async (scenario) => {
      if (!server.exited()) return;
      peer.facts.push({ scenario, name: 'Java NameServer had exited before this scenario; started again', value: 'yes', unit: '' });
      ctx.log(`peer: the Java NameServer (pid ${peer.pid}) exited; starting it again before ${scenario}`);
      server = await boot(scenario);
    },
    stop: () => server.stop(),
  };
  const boot = async (scenario: string): Promise<StartedServer> => {
    const started = await startJavaNameServer(javaDir, options.javaHeap);
    Object.assign(peer, { host: started.host, port: started.port, pid: started.pid });
    peer.facts.push({ scenario, name: 'start-up to listening', value: Math.round(started.startupMs), unit: 'ms' });
    peer.facts.push({ scenario, name: 'idle RSS after start', value: await idleRssMb(started.pid, 500), unit: 'MB' });
    ctx.log(`peer: Java NameServer pid ${started.pid} on ${started.host}:${started.port} after ${Math.round(started.startupMs)} ms; warming up ${options.javaWarmupSeconds} s`);
    await warmUp(ctx, started, options.javaWarmupSeconds);
    if (started.pid !== null) peer.facts.push({ scenario, name: 'RSS after the warm-up', value: Math.round(sampleProcess(started.pid)?.rssMb ?? 0), unit: 'MB' });
    return started;
  };
  let server = await boot('start');
  return peer;
}

async function startJavaNameServer(dir: string, heap: string): Promise<StartedServer> {
  const script = path.resolve(dir, 'bin', 'mqnamesrv');
  if (!fs.existsSync(script)) throw new Error(`--java: no ${script} (build it with the java-peer scripts)`);
  const port = await freePort();
  const config = path.join(fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'namesrv-bench-java-')), 'namesrv.properties');
  fs.writeFileSync(config, `listenPort=${port}\n`);
  const started = await startServerProcess({
    nodeArgs: [],
    cli: script,
    args: [],
    command: [script, '-c', config],
    env: { RMQ_HEAP: heap, RMQ_USER_HOME: '{home}' },
    bootLine: JAVA_BOOT_LINE,
    address: { host: '127.0.0.1', port },
    bootTimeoutMs: JAVA_BOOT_TIMEOUT_MS,
  });
  const stop = started.stop;
  return {
    ...started,
    label: `Java NameServer (pid ${started.pid})`,
    stop: async () => {
      await stop();
      fs.rmSync(path.dirname(config), { recursive: true, force: true });
    },
  };
}

/** The route scenario's registry and load, unrecorded, for `seconds`; the brokers are unregistered after. */
async function warmUp(ctx: BenchContext, server: StartedServer, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  const layout = routeLayout(ctx);
  const registry = await SimulatedRegistry.connect(server.host, server.port, layout, ctx.options.version);
  try {
    await registry.registerAll(4, false);
    registry.startKeepAlive();
    await runPhasedLoad(pipelinedLoad(ctx, server, routeLookupRequest(ctx, layout), [{ name: 'warmup', ms: seconds * 1000, record: false }]), server.pid);
  } finally {
    await registry.close();
  }
}
