import { RouteRegistry, type ApplySlicing, type RegisterBrokerRequest, type RouteRegistryConfig, type RouteRegistryHooks } from '../../src/namesrv/route/route-registry.js';
import type { DataVersion, TopicConfig } from '../../src/protocol/route-types.js';
import { ManualClock } from '../../src/util/clock.js';
import { NEVER_PAUSE, runToEnd } from '../../src/util/slices.js';
import { silentLogger } from '../../src/util/logger.js';

export function topicConfig(topicName: string, overrides: Partial<TopicConfig> = {}): TopicConfig {
  return { topicName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0, ...overrides };
}

export function version(counter: number, stateVersion = 0): DataVersion {
  return { counter, timestamp: 1_700_000_000_000, stateVersion };
}

export interface BrokerSpec extends Partial<Omit<RegisterBrokerRequest, 'topicConfigWrapper'>> {
  topics?: TopicConfig[];
  dataVersion?: DataVersion;
}

export function registration(spec: BrokerSpec = {}): RegisterBrokerRequest {
  const topics = spec.topics ?? [topicConfig('TopicA'), topicConfig('TopicB')];
  return {
    clusterName: 'DefaultCluster',
    brokerName: 'broker-a',
    brokerAddr: '10.0.0.1:10911',
    brokerId: 0,
    haServerAddr: '10.0.0.1:10912',
    connectionId: 1,
    ...spec,
    topicConfigWrapper: {
      dataVersion: spec.dataVersion ?? version(1),
      topicConfigTable: new Map(topics.map((t) => [t.topicName, t])),
    },
  };
}

export function makeRegistry(config: Partial<RouteRegistryConfig> = {}, hooks: RouteRegistryHooks = {}, slicing?: ApplySlicing) {
  const clock = new ManualClock();
  /** Live: tests may change a switch between calls, as UPDATE_NAMESRV_CONFIG does. */
  const liveConfig: { -readonly [K in keyof RouteRegistryConfig]: RouteRegistryConfig[K] } = {
    supportActingMaster: false,
    deleteTopicWithBrokerRegistration: false,
    notifyMinBrokerIdChanged: false,
    unRegisterBrokerQueueCapacity: 3000,
    ...config,
  };
  const registry = new RouteRegistry(liveConfig, clock, silentLogger(), hooks, slicing);
  return { registry, clock, config: liveConfig };
}

/** GET_TOPICS_BY_CLUSTER's list, read at once. */
export function topicsByCluster(registry: RouteRegistry, clusterName: string): string[] {
  return runToEnd(registry.topicsOfCluster(clusterName, NEVER_PAUSE));
}
