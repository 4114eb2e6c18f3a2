/**
 * Scenario: hostile clients. Route lookups on connections of their own, first alone (baseline),
 * then while attackers run: connections sending compressed REGISTER_BROKER bodies of 64 KB that
 * inflate to 64 MiB (zlib bombs), each as soon as the last is answered, and connections that each
 * announce a 16 MiB frame and then send it a byte at a time. The goal: lookups keep p99 < 50 ms.
 */
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest } from '../../src/remoting/remoting-command.js';
import type { BenchContext } from '../context.js';
import { Histogram } from '../histogram.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedBroker, SimulatedRegistry, topicPoolSize, type RegistryLayout } from '../registry.js';
import { histogramRow, rowOf, type ScenarioResult } from '../results-model.js';
import type { ServerTarget } from '../server-process.js';
import { phases, pipelinedLoad, routeLookupRequest, thousands } from './common.js';
import { noteErrors } from './route-lookup.js';

const BOMB_INFLATED_BYTES = 64 * 1024 * 1024;
/** The largest frame a server with the default frameMaxLength (16 MiB, length prefix included) takes. */
const DECLARED_FRAME_BYTES = 16 * 1024 * 1024 - 4;
/** Each dribbling connection sends one byte this often. */
const DRIBBLE_INTERVAL_MS = 100;
/** A dribbling connection the server closed is opened again after this pause. */
const REOPEN_PAUSE_MS = 200;
const LOOKUP_CONNECTIONS = 4;
const PROBE_CONNECTIONS = 4;
/** Paced lookups per second, all probe connections together. */
const PROBE_RATE = 200;
const PROBE_TIMEOUT_MS = 30_000;
const HONEST_TOPICS = 20_000;
const HONEST_INTERVAL_MS = 500;
const TARGET_P99_MS = 50;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Route lookups sent at a fixed pace on connections of their own, whether or not earlier ones are
 * answered, each timed from when it was due: a stalled server shows in full (a closed-loop load
 * sends less while it waits, and so hides most of a stall).
 */
interface ProbeTally {
  histogram: Histogram;
  errors: number;
  seconds: number;
  /** This process's own event-loop delay p99 meanwhile: how late it could send and time. */
  ownDelayP99Ms: number;
}

class PacedProbe {
  private constructor(
    private readonly connections: ClientConnection[],
    private readonly topics: { prefix: string; count: number },
    private readonly version: number,
  ) {}

  static async connect(target: ServerTarget, topics: { prefix: string; count: number }, version: number): Promise<PacedProbe> {
    const connections = await Promise.all(
      Array.from({ length: PROBE_CONNECTIONS }, () => ClientConnection.connect({ host: target.host, port: target.port, connectTimeoutMs: 5000 })),
    );
    return new PacedProbe(connections, topics, version);
  }

  /** Starts a measurement of its own; returns what it measured when the returned function is called. */
  start(): () => Promise<ProbeTally> {
    let running = true;
    const pending = new Set<Promise<void>>();
    const tally: ProbeTally = { histogram: new Histogram(), errors: 0, seconds: 0, ownDelayP99Ms: 0 };
    const started = performance.now();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const loop = (async () => {
      const period = 1000 / PROBE_RATE;
      let due = performance.now();
      for (let i = 0; running; i++) {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (!running) break;
        const answered = this.send(this.connections[i % this.connections.length]!, due, tally);
        pending.add(answered);
        void answered.then(() => pending.delete(answered));
        due += period;
      }
    })();
    return async () => {
      running = false;
      await loop;
      tally.seconds = (performance.now() - started) / 1000;
      await Promise.all(pending);
      delay.disable();
      tally.ownDelayP99Ms = delay.percentile(99) / 1e6;
      return tally;
    };
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }

  private send(connection: ClientConnection, due: number, tally: ProbeTally): Promise<void> {
    const topic = this.topics.prefix + Math.floor(Math.random() * this.topics.count);
    const request = createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic }, version: this.version });
    return connection.invoke(request, PROBE_TIMEOUT_MS).then(
      (response) => {
        tally.histogram.recordMs(performance.now() - due);
        if (response.code !== 0) tally.errors++;
      },
      () => {
        tally.histogram.recordMs(PROBE_TIMEOUT_MS);
        tally.errors++;
      },
    );
  }
}

/**
 * A compressed body that starts as a real one (a DataVersion record), so that a server cannot
 * tell it from one before inflating far, then inflates to 64 MiB of zeros.
 */
function bombBody(): Buffer {
  const dataVersion = Buffer.from('{"counter":1,"stateVersion":0,"timestamp":1700000000000}');
  const records = Buffer.alloc(BOMB_INFLATED_BYTES);
  records.writeInt32BE(dataVersion.length, 0);
  dataVersion.copy(records, 4);
  return deflateSync(records, { level: 9 });
}

/** Connections sending zlib bombs as REGISTER_BROKER, one after the other on each. */
class Bombers {
  readonly answers = new Histogram();
  refused = 0;
  accepted = 0;
  failures = 0;
  firstRemark: string | null = null;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly body = bombBody();

  constructor(
    private readonly target: ServerTarget,
    private readonly count: number,
    private readonly version: number,
  ) {}

  get bodyBytes(): number {
    return this.body.length;
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.count }, (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(i: number): Promise<void> {
    const identity = { clusterName: 'BenchHostileCluster', brokerName: `bench-bomber-${i}`, brokerAddr: `127.0.0.1:${31000 + 2 * i}` };
    while (this.running) {
      let broker: SimulatedBroker;
      try {
        broker = await SimulatedBroker.connect(this.target.host, this.target.port, identity, [], this.version);
      } catch {
        this.failures++;
        await sleep(REOPEN_PAUSE_MS);
        continue;
      }
      try {
        while (this.running) {
          const outcome = await broker.registerBody(this.body, true);
          this.answers.recordMs(outcome.ms);
          if (outcome.code === 0) this.accepted++;
          else {
            this.refused++;
            this.firstRemark ??= `code ${outcome.code}: ${outcome.remark}`;
          }
        }
      } catch {
        this.failures++; // the server closed the connection, or did not answer in time
      } finally {
        broker.close();
      }
    }
  }
}

/** A real broker with many topics re-registering (compressed, a new data version each time) through the attack. */
class HonestBroker {
  readonly answers = new Histogram();
  errors = 0;
  firstError: string | null = null;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly broker: SimulatedBroker) {
    broker.prepare(['compressed'], 8);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const outcome = await this.broker.register('compressed');
          this.answers.recordMs(outcome.ms);
          if (outcome.code !== 0) {
            this.errors++;
            this.firstError ??= `code ${outcome.code}: ${outcome.remark}`;
          }
        } catch (err) {
          this.errors++;
          this.firstError ??= (err as Error).message;
          return;
        }
        await sleep(HONEST_INTERVAL_MS);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Connections that announce a 16 MiB frame and send it a byte at a time. */
class Dribblers {
  opened = 0;
  closedByServer = 0;
  private running = false;
  private readonly sockets = new Set<net.Socket>();
  private timer: NodeJS.Timeout | null = null;
  private readonly reopenTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly target: ServerTarget,
    private readonly count: number,
  ) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.count; i++) this.open();
    this.timer = setInterval(() => {
      for (const socket of this.sockets) if (socket.writable) socket.write(Buffer.of(0x20));
    }, DRIBBLE_INTERVAL_MS);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    for (const timer of this.reopenTimers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private open(): void {
    const socket = net.connect({ host: this.target.host, port: this.target.port });
    // Written first (a socket queues writes until it connects); the dribbled bytes follow it.
    const length = Buffer.alloc(4);
    length.writeInt32BE(DECLARED_FRAME_BYTES, 0);
    socket.write(length);
    this.sockets.add(socket);
    socket.on('connect', () => this.opened++);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (!this.running) return;
      this.closedByServer++;
      const timer = setTimeout(() => {
        this.reopenTimers.delete(timer);
        if (this.running) this.open();
      }, REOPEN_PAUSE_MS);
      this.reopenTimers.add(timer);
    });
  }
}

export async function hostileClientsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = {
    name: 'hostile',
    description:
      `route lookups over 8 brokers x 1,000 topics (${PROBE_RATE}/s paced on ${PROBE_CONNECTIONS} connections, timed from when each was due, ` +
      `and ${LOOKUP_CONNECTIONS}x1 closed loop), alone, then while ${o.hostileBombers} connections send ` +
      `compressed REGISTER_BROKER bodies inflating to 64 MiB in a loop and ${o.hostileDribblers} connections announce ` +
      `16 MiB frames and send a byte every ${DRIBBLE_INTERVAL_MS} ms; goal: lookup p99 < ${TARGET_P99_MS} ms during the attack`,
    rows: [],
    facts: [],
    notes: [],
  };
  const layout: RegistryLayout = {
    clusterName: 'BenchHostileCluster',
    brokerPrefix: 'bench-hostile-',
    brokers: 8,
    topicsPerBroker: 1000,
    brokersPerTopic: 8,
    topicPrefix: 'BenchHostileTopic-',
    basePort: 30000,
  };
  await ctx.withServer(result.name, result.facts, async (target) => {
    const registry = await SimulatedRegistry.connect(target.host, target.port, layout, o.version);
    const honestIdentity = { clusterName: layout.clusterName, brokerName: 'bench-honest', brokerAddr: '127.0.0.1:30998' };
    const topics = Array.from({ length: HONEST_TOPICS }, (_, i) => `BenchHonestTopic-${i}`);
    const honestBroker = await SimulatedBroker.connect(target.host, target.port, honestIdentity, topics, o.version);
    const honest = new HonestBroker(honestBroker);
    const bombers = new Bombers(target, o.hostileBombers, o.version);
    const dribblers = new Dribblers(target, o.hostileDribblers);
    const probe = await PacedProbe.connect(target, { prefix: layout.topicPrefix, count: topicPoolSize(layout) }, o.version);
    try {
      await registry.registerAll(2, false);
      const first = await honestBroker.register('compressed');
      if (first.code !== 0) throw new Error(`the ${thousands(HONEST_TOPICS)}-topic broker's registration answered code ${first.code}: ${first.remark}`);
      registry.startKeepAlive();
      const probed = new Map<string, ProbeTally>();
      const onPhaseStart = (name: string): (() => Promise<void>) | undefined => {
        if (name !== 'baseline' && name !== 'attack') return undefined;
        if (name === 'attack') {
          bombers.start();
          dribblers.start();
          honest.start();
        }
        const stopProbe = probe.start();
        return async () => {
          if (name === 'attack') {
            dribblers.stop();
            await Promise.all([bombers.stop(), honest.stop()]);
          }
          probed.set(name, await stopProbe());
        };
      };
      const load = pipelinedLoad(ctx, target, routeLookupRequest(ctx, layout), phases(ctx, 'baseline', 'attack'), LOOKUP_CONNECTIONS, 1);
      const outcome = await runPhasedLoad(load, target.pid, { onPhaseStart });
      const baseline = outcome.phases.get('baseline')!;
      const during = outcome.phases.get('attack')!;
      result.rows.push(histogramRow(result.name, `route lookup, paced ${PROBE_RATE}/s, no attack`, 'req/s', probed.get('baseline')!, baseline.usage));
      result.rows.push(histogramRow(result.name, `route lookup, paced ${PROBE_RATE}/s, during the attack`, 'req/s', probed.get('attack')!, during.usage));
      result.rows.push(rowOf(result.name, `route lookup, ${LOOKUP_CONNECTIONS}x1 closed loop, no attack`, 'req/s', baseline));
      result.rows.push(rowOf(result.name, `route lookup, ${LOOKUP_CONNECTIONS}x1 closed loop, during the attack`, 'req/s', during, outcome.unanswered));
      const p99 = probed.get('attack')!.histogram.summary().p99Ms;
      const ownDelay = `${round1(probed.get('baseline')!.ownDelayP99Ms)} / ${round1(probed.get('attack')!.ownDelayP99Ms)}`;
      result.facts.push({ scenario: result.name, name: 'event-loop delay p99 of the process sending the paced lookups, no attack / attack', value: ownDelay, unit: 'ms' });
      result.facts.push({ scenario: result.name, name: `paced route p99 during the attack (goal < ${TARGET_P99_MS} ms)`, value: p99, unit: 'ms' });
      const bombs = bombers.answers.summary();
      result.facts.push({ scenario: result.name, name: `bombs answered (${Math.round(bombers.bodyBytes / 1024)} KB each, inflating to 64 MiB)`, value: bombers.answers.count, unit: '' });
      result.facts.push({ scenario: result.name, name: 'bombs accepted', value: bombers.accepted, unit: '' });
      result.facts.push({ scenario: result.name, name: 'bomb answer p50 / max', value: `${round1(bombs.p50Ms)} / ${round1(bombs.maxMs)}`, unit: 'ms' });
      result.facts.push({ scenario: result.name, name: 'bomb connections lost (closed or unanswered)', value: bombers.failures, unit: '' });
      result.facts.push({ scenario: result.name, name: 'dribbling connections opened / closed by the server', value: `${thousands(dribblers.opened)} / ${thousands(dribblers.closedByServer)}`, unit: '' });
      const registrations = honest.answers.summary();
      result.facts.push({
        scenario: result.name,
        name: `re-register ${thousands(HONEST_TOPICS)} topics, compressed, every ${HONEST_INTERVAL_MS} ms during the attack: count, p50 / max`,
        value: `${honest.answers.count}, ${round1(registrations.p50Ms)} / ${round1(registrations.maxMs)}`,
        unit: 'ms',
      });
      if (honest.firstError) result.notes.push(`honest registrations failed: ${honest.errors}, first: ${honest.firstError}`);
      if (bombers.firstRemark) result.notes.push(`bombs refused: ${bombers.refused}, first: ${bombers.firstRemark}`);
      if (p99 >= TARGET_P99_MS) result.notes.push(`paced route p99 during the attack ${p99} ms: over the ${TARGET_P99_MS} ms goal`);
      noteErrors(result, outcome);
    } finally {
      probe.close();
      dribblers.stop();
      await Promise.all([bombers.stop(), honest.stop()]);
      await honestBroker.unregister();
      honestBroker.close();
      await registry.close();
    }
  });
  return result;
}
