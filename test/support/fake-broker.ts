import assert from 'node:assert/strict';
import { encodeRegisterBrokerBody } from '../../src/protocol/bodies/index.js';
import { bodyCrc32 } from '../../src/protocol/body-crc.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { DataVersion, TopicConfig } from '../../src/protocol/route-types.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import type { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { call, type RunningNameServer } from './nameserver-harness.js';

export interface FakeBrokerOptions {
  clusterName?: string;
  brokerName?: string;
  brokerId?: number;
  brokerAddr?: string;
  haServerAddr?: string;
  topics?: TopicConfig[];
  enableActingMaster?: boolean;
  zoneName?: string;
  heartbeatTimeoutMillis?: number;
  filterServerList?: string[];
}

export function topic(topicName: string, overrides: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: 4,
    writeQueueNums: 4,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    ...overrides,
  };
}

/** A broker as the NameServer sees one: it registers, heartbeats, queries and unregisters over one connection. */
export class FakeBroker {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly brokerId: number;
  readonly brokerAddr: string;
  topics: TopicConfig[];
  dataVersion: DataVersion = { stateVersion: 0, timestamp: 1_795_639_716_197, counter: 1 };

  constructor(
    readonly connection: ClientConnection,
    private readonly options: FakeBrokerOptions = {},
  ) {
    this.clusterName = options.clusterName ?? 'DefaultCluster';
    this.brokerName = options.brokerName ?? 'broker-a';
    this.brokerId = options.brokerId ?? 0;
    this.brokerAddr = options.brokerAddr ?? '127.0.0.1:10911';
    this.topics = options.topics ?? [topic('TopicA'), topic('TopicB')];
  }

  /** Changes the topic set and bumps the data version, as a broker does when a topic is created. */
  setTopics(topics: TopicConfig[]): void {
    this.topics = topics;
    this.dataVersion = { ...this.dataVersion, counter: this.dataVersion.counter + 1 };
  }

  register(extra: { compressed?: boolean; rocketmq?: boolean; corruptCrc?: boolean; version?: number } = {}): Promise<RemotingCommand> {
    const { extFields, body } = registerRequest({
      clusterName: this.clusterName,
      brokerName: this.brokerName,
      brokerId: this.brokerId,
      brokerAddr: this.brokerAddr,
      haServerAddr: this.options.haServerAddr,
      topics: this.topics,
      dataVersion: this.dataVersion,
      filterServerList: this.options.filterServerList,
      compressed: extra.compressed,
    });
    if (extra.corruptCrc) extFields.bodyCrc32 = String(Number(extFields.bodyCrc32) ^ 1);
    if (this.options.enableActingMaster !== undefined) extFields.enableActingMaster = String(this.options.enableActingMaster);
    if (this.options.zoneName) extFields.zoneName = this.options.zoneName;
    if (this.options.heartbeatTimeoutMillis) extFields.heartbeatTimeoutMillis = String(this.options.heartbeatTimeoutMillis);
    return call(this.connection, RequestCode.REGISTER_BROKER, { extFields, body, rocketmq: extra.rocketmq, version: extra.version });
  }

  unregister(): Promise<RemotingCommand> {
    return call(this.connection, RequestCode.UNREGISTER_BROKER, { extFields: this.identity() });
  }

  heartbeat(): Promise<RemotingCommand> {
    return call(this.connection, RequestCode.BROKER_HEARTBEAT, { extFields: this.identity() });
  }

  queryDataVersion(dataVersion: DataVersion = this.dataVersion): Promise<RemotingCommand> {
    return call(this.connection, RequestCode.QUERY_DATA_VERSION, { extFields: this.identity(), body: JSON.stringify(dataVersion) });
  }

  private identity(): Record<string, string> {
    return {
      brokerId: String(this.brokerId),
      clusterName: this.clusterName,
      brokerAddr: this.brokerAddr,
      brokerName: this.brokerName,
    };
  }
}

export interface RegisterRequestSpec {
  topics: TopicConfig[];
  dataVersion: DataVersion;
  clusterName?: string;
  brokerName?: string;
  brokerId?: number;
  brokerAddr?: string;
  haServerAddr?: string;
  filterServerList?: string[];
  compressed?: boolean;
  /** The `compressed` header, when it should say otherwise than the body is. */
  compressedFlag?: boolean;
}

/** The extFields and body of a REGISTER_BROKER as a Java broker sends them (masked CRC included). */
export function registerRequest(spec: RegisterRequestSpec): { extFields: Record<string, string>; body: Buffer } {
  const compressed = spec.compressed === true;
  const body = encodeRegisterBrokerBody(
    {
      topicConfigSerializeWrapper: { dataVersion: spec.dataVersion, topicConfigTable: new Map(spec.topics.map((t) => [t.topicName, t])) },
      filterServerList: spec.filterServerList ?? [],
    },
    compressed,
  );
  const brokerAddr = spec.brokerAddr ?? '127.0.0.1:10911';
  const extFields: Record<string, string> = {
    brokerId: String(spec.brokerId ?? 0),
    clusterName: spec.clusterName ?? 'DefaultCluster',
    brokerAddr,
    brokerName: spec.brokerName ?? 'broker-a',
    haServerAddr: spec.haServerAddr ?? brokerAddr.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) + 1}`),
    compressed: String(spec.compressedFlag ?? compressed),
    bodyCrc32: String(bodyCrc32(body)),
  };
  return { extFields, body };
}

/** Registers `count` topics named `${prefix}${i}` for one broker (`big-broker` unless `spec` says) over a new connection. */
export async function registerManyTopics(ns: RunningNameServer, prefix: string, count: number, spec: Partial<RegisterRequestSpec> = {}): Promise<void> {
  const topics = Array.from({ length: count }, (_, i) => topic(`${prefix}${i}`));
  const request = registerRequest({ topics, brokerName: 'big-broker', dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 }, ...spec });
  const registered = await call(await ns.connect(), RequestCode.REGISTER_BROKER, request);
  assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? '');
}
