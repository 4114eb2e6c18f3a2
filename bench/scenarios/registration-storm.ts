/**
 * Scenario 2: registration storm. B brokers re-register T topics each (new data version every
 * time) and one big broker re-registers N topics (JSON and compressed bodies in turn), while
 * route lookups go on. Route latency is measured before (baseline) and during the storm; then
 * while a broker registers 20,000 topics no one serves (all applied), unregisters, and again.
 */
import type { BenchContext } from '../context.js';
import { Histogram } from '../histogram.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedBroker, SimulatedRegistry, type BodyFlavor, type RegisterOutcome, type RegistryLayout } from '../registry.js';
import { histogramRow, rowOf, type ResultRow, type ScenarioResult } from '../results-model.js';
import type { ServerUsage } from '../proc-stats.js';
import { RouteProbe } from '../route-probe.js';
import { loadShape, phases, pipelinedLoad, routeLookupRequest, thousands } from './common.js';
import { noteErrors } from './route-lookup.js';

class RegistrationLog {
  readonly histogram = new Histogram();
  errors = 0;
  firstError: string | null = null;
  bytes = 0;

  note(outcome: RegisterOutcome): void {
    this.histogram.recordMs(outcome.ms);
    this.bytes = outcome.bodyBytes;
    if (outcome.code !== 0) {
      this.errors++;
      this.firstError ??= `code ${outcome.code}: ${outcome.remark}`;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function registrationStormScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = {
    name: 'storm',
    description: `route lookups (${loadShape(ctx)}) over ${o.stormBrokers} brokers x ${thousands(o.stormTopics)} topics, then the same while those brokers re-register (${o.stormRate}/s in all) and a ${thousands(o.bigTopics)}-topic broker re-registers every ${o.bigIntervalMs} ms, JSON and compressed bodies in turn, each with a new data version`,
    rows: [],
    facts: [],
    notes: [],
  };
  const layout: RegistryLayout = {
    clusterName: 'BenchStormCluster',
    brokerPrefix: 'bench-storm-',
    brokers: o.stormBrokers,
    topicsPerBroker: o.stormTopics,
    brokersPerTopic: 10,
    topicPrefix: 'BenchStormTopic-',
    basePort: 22000,
  };
  const bigTopics = Array.from({ length: o.bigTopics }, (_, i) => `BenchBigTopic-${i}`);
  await ctx.withServer(result.name, result.facts, async (target) => {
    const registry = await SimulatedRegistry.connect(target.host, target.port, layout, o.version);
    // Registers 20,000 topics no broker serves, then unregisters them, again and again: each registration applies them all.
    const freshTopics = Array.from({ length: o.bigTopics }, (_, i) => `BenchFreshTopic-${i}`);
    const fresh = await SimulatedBroker.connect(target.host, target.port, { clusterName: layout.clusterName, brokerName: 'bench-big-fresh', brokerAddr: '127.0.0.1:29004' }, freshTopics, o.version);
    // Applied = the body's last topic served: a table applied in slices takes its topics in body order.
    const probe = await RouteProbe.connect(target.host, target.port, o.version);
    const lastFreshTopic = freshTopics[freshTopics.length - 1]!;
    const big: Record<BodyFlavor, SimulatedBroker> = {
      json: await SimulatedBroker.connect(target.host, target.port, { clusterName: layout.clusterName, brokerName: 'bench-big-json', brokerAddr: '127.0.0.1:29000' }, bigTopics, o.version),
      compressed: await SimulatedBroker.connect(target.host, target.port, { clusterName: layout.clusterName, brokerName: 'bench-big-compressed', brokerAddr: '127.0.0.1:29002' }, bigTopics, o.version),
    };
    try {
      const loaded = await registry.registerAll(4, true);
      ctx.log(`storm: registered ${o.stormBrokers} brokers in ${Math.round(loaded.ms)} ms`);
      big.json.prepare(['json']);
      big.compressed.prepare(['compressed'], 8);
      for (const flavor of ['json', 'compressed'] as const) {
        const first = await big[flavor].register(flavor);
        if (first.code !== 0) throw new Error(`first ${flavor} registration answered code ${first.code}: ${first.remark}`);
        const known = flavor === 'compressed' ? ', topics already known' : '';
        result.facts.push({ scenario: result.name, name: `first REGISTER_BROKER, ${thousands(o.bigTopics)} topics, ${flavor} (${kb(first.bodyBytes)}${known})`, value: round2(first.ms), unit: 'ms' });
      }
      registry.startKeepAlive();

      fresh.prepare(['json']);
      const logs = { json: new RegistrationLog(), compressed: new RegistrationLog(), storm: new RegistrationLog(), fresh: new RegistrationLog() };
      const freshApplied = new Histogram();
      const probeLookups = new Histogram();
      let freshRunning = false;
      const startFresh = (): (() => Promise<void>) => {
        freshRunning = true;
        const loop = (async () => {
          for (let i = 0; freshRunning && i < 1_000_000; i++) {
            const sent = performance.now();
            const served = probe.served(lastFreshTopic, 'bench-big-fresh', sent);
            logs.fresh.note(await fresh.register('json'));
            const applied = await served;
            freshApplied.recordMs(applied.ms);
            probeLookups.recordMs(applied.lookupMs);
            await fresh.unregister();
            await probe.gone(lastFreshTopic, performance.now()); // the next registration starts from no route
            if (o.bigIntervalMs > 0) await sleep(o.bigIntervalMs);
          }
        })();
        return async () => {
          freshRunning = false;
          await loop;
        };
      };
      let stormRunning = false;
      const startStorm = (): (() => Promise<void>) => {
        stormRunning = true;
        const bigLoop = (async () => {
          for (let i = 0; stormRunning && i < 1_000_000; i++) {
            const flavor: BodyFlavor = i % 2 === 0 ? 'json' : 'compressed';
            logs[flavor].note(await big[flavor].register(flavor));
            if (o.bigIntervalMs > 0) await sleep(o.bigIntervalMs);
          }
        })();
        const stormLoop = (async () => {
          if (o.stormRate <= 0) return;
          const period = 1000 / o.stormRate;
          let nextAt = performance.now();
          for (let i = 0; stormRunning && i < 10_000_000; i++) {
            logs.storm.note(await registry.brokers[i % registry.brokers.length].register('json'));
            nextAt += period;
            const wait = nextAt - performance.now();
            if (wait > 0) await sleep(wait);
            else nextAt = performance.now();
          }
        })();
        return async () => {
          stormRunning = false;
          await Promise.all([bigLoop, stormLoop]);
        };
      };

      const outcome = await runPhasedLoad(pipelinedLoad(ctx, target, routeLookupRequest(ctx, layout), phases(ctx, 'baseline', 'storm', 'fresh')), target.pid, {
        onPhaseStart: (name) => (name === 'storm' ? startStorm() : name === 'fresh' ? startFresh() : undefined),
      });
      const baseline = outcome.phases.get('baseline')!;
      const storm = outcome.phases.get('storm')!;
      const freshPhase = outcome.phases.get('fresh')!;
      result.rows.push(rowOf(result.name, `route lookup ${o.stormBrokers}x${thousands(o.stormTopics)}, before the storm`, 'req/s', baseline));
      result.rows.push(rowOf(result.name, `route lookup ${o.stormBrokers}x${thousands(o.stormTopics)}, during the storm`, 'req/s', storm, outcome.unanswered));
      result.rows.push(rowOf(result.name, `route lookup ${o.stormBrokers}x${thousands(o.stormTopics)}, during ${thousands(o.bigTopics)}-topic registrations of new topics`, 'req/s', freshPhase, outcome.unanswered));
      const seconds = storm.stats.seconds;
      result.rows.push(registrationRow(result.name, `re-register ${thousands(o.bigTopics)} topics, JSON (${kb(logs.json.bytes)})`, logs.json, seconds, storm.usage));
      result.rows.push(registrationRow(result.name, `re-register ${thousands(o.bigTopics)} topics, compressed (${kb(logs.compressed.bytes)})`, logs.compressed, seconds, storm.usage));
      result.rows.push(registrationRow(result.name, `re-register ${thousands(o.stormTopics)} topics (storm brokers, JSON)`, logs.storm, seconds, storm.usage));
      result.rows.push(registrationRow(result.name, `REGISTER_BROKER ${thousands(o.bigTopics)} new topics under route load, JSON (${kb(logs.fresh.bytes)}), then unregister: broker's round trip`, logs.fresh, freshPhase.stats.seconds, freshPhase.usage));
      result.rows.push(registrationRow(result.name, `… the same registrations, applied: sent → its last topic's route served (upper bound, see the probe lookup row)`, { histogram: freshApplied, errors: 0 }, freshPhase.stats.seconds, freshPhase.usage));
      result.rows.push(registrationRow(result.name, `… the probe's lookups meanwhile (one connection, 3 in flight): round trip, median per registration`, { histogram: probeLookups, errors: 0 }, freshPhase.stats.seconds, freshPhase.usage));
      const before = baseline.stats.latency.p99Ms;
      const rise = (during: number) => (before > 0 ? Math.round((during / before - 1) * 100) : null);
      result.facts.push({ scenario: result.name, name: 'route p99 rise during the storm', value: rise(storm.stats.latency.p99Ms), unit: '%' });
      result.facts.push({ scenario: result.name, name: `route p99 rise during ${thousands(o.bigTopics)}-topic registrations of new topics`, value: rise(freshPhase.stats.latency.p99Ms), unit: '%' });
      for (const [name, log] of Object.entries(logs)) if (log.firstError) result.notes.push(`${name} registrations refused: ${log.errors}, first: ${log.firstError}`);
      noteErrors(result, outcome);
    } finally {
      await fresh.unregister();
      fresh.close();
      probe.close();
      await big.json.unregister();
      await big.compressed.unregister();
      big.json.close();
      big.compressed.close();
      await registry.close();
    }
  });
  return result;
}

function registrationRow(scenario: string, measure: string, log: { histogram: Histogram; errors: number }, seconds: number, usage: ServerUsage): ResultRow {
  return histogramRow(scenario, measure, 'reg/s', { histogram: log.histogram, errors: log.errors, seconds }, usage);
}

function kb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} KB`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
