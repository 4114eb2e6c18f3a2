/** Scenario 3: GET_BROKER_CLUSTER_INFO and GET_ALL_TOPIC_LIST_FROM_NAMESERVER on a large registry. */
import { RequestCode } from '../../src/protocol/request-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest } from '../../src/remoting/remoting-command.js';
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedRegistry, topicPoolSize, type RegistryLayout } from '../registry.js';
import { rowOf, type ScenarioResult } from '../results-model.js';
import type { ServerTarget } from '../server-process.js';
import { fixedRequest, phases, pipelinedLoad, thousands } from './common.js';
import { noteErrors } from './route-lookup.js';

const IN_FLIGHT = 2;

export async function largeListsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const layout: RegistryLayout = {
    clusterName: 'BenchListCluster',
    brokerPrefix: 'bench-list-',
    brokers: o.listBrokers,
    topicsPerBroker: o.listTopics,
    brokersPerTopic: 10,
    topicPrefix: 'BenchListTopic-',
    basePort: 24000,
  };
  const distinct = topicPoolSize(layout);
  const result: ScenarioResult = {
    name: 'lists',
    description: `cluster info and the all-topic list with ${o.listBrokers} brokers and ${thousands(distinct)} distinct topics, ${o.listConnections} connections x ${IN_FLIGHT} in flight`,
    rows: [],
    facts: [],
    notes: [],
  };
  const requests = [
    { code: RequestCode.GET_BROKER_CLUSTER_INFO, measure: `cluster info, ${o.listBrokers} brokers` },
    { code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, measure: `all-topic list, ${thousands(distinct)} topics` },
  ];
  await ctx.withServer(result.name, result.facts, async (target) => {
    const registry = await SimulatedRegistry.connect(target.host, target.port, layout, o.version);
    try {
      const loaded = await registry.registerAll(4, false);
      ctx.log(`lists: registered ${o.listBrokers} brokers in ${Math.round(loaded.ms)} ms`);
      registry.startKeepAlive();
      for (const r of requests) {
        const size = await bodySize(target, r.code, o.version);
        const outcome = await runPhasedLoad(pipelinedLoad(ctx, target, fixedRequest(ctx, r.code), phases(ctx, 'measure'), o.listConnections, IN_FLIGHT), target.pid);
        result.rows.push(rowOf(result.name, `${r.measure} (${Math.round(size / 1000)} KB)`, 'req/s', outcome.phases.get('measure')!, outcome.unanswered));
        noteErrors(result, outcome);
      }
    } finally {
      await registry.close();
    }
  });
  return result;
}

async function bodySize(target: ServerTarget, code: number, version: number): Promise<number> {
  const client = await ClientConnection.connect({ host: target.host, port: target.port });
  try {
    const response = await client.invoke(createRequest({ code, version }), 10_000);
    return response.body?.length ?? 0;
  } finally {
    client.close();
  }
}
