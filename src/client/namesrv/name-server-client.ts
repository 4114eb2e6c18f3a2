import type tls from 'node:tls';
import {
  decodeBrokerMemberGroupResponse,
  decodeClusterInfo,
  decodeDataVersion,
  decodeKvTable,
  decodeTopicList,
  decodeTopicRouteData,
  encodeDataVersion,
  encodeTopicRouteData,
} from '../../protocol/bodies/index.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerMemberGroup, ClusterInfo, DataVersion, QueueData, TopicList, TopicRouteData } from '../../protocol/route-types.js';
import { parseProperties } from '../../util/java-properties.js';
import { signedCopy, type Credentials } from '../../security/signature.js';
import type { RemotingCommand } from '../../remoting/remoting-command.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { parseNameServerList } from './address-list.js';
import { addressServerUrl, fetchNameServerAddresses, type AddressServerOptions } from './address-server.js';
import { clientRequest, CLIENT_VERSION, type HeaderValues } from './client-request.js';
import { ConnectionPool } from './connection-pool.js';
import { NameServerBroadcastError, NameServerError, NameServerUnavailableError } from './errors.js';

export interface NameServerClientOptions {
  /** `host:port;host:port`, or a list of `host:port`. */
  nameServers?: string | readonly string[];
  /** Fetch the list from an address server instead (used only when `nameServers` is not given). */
  addressServer?: AddressServerOptions;
  /** Connect over TLS: `true` for an unverified connection (Java's default), or full options. */
  tls?: boolean | tls.ConnectionOptions;
  /** Default timeout of one request to one NameServer; default 3 s. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** How long a NameServer that failed is tried only after the others; default 10 s. */
  downBackoffMs?: number;
  /** The protocol version written into requests; default 5.3.3's. */
  version?: number;
  /** Sign every request as Java's `AclClientRPCHook` does, for NameServers that check signatures. */
  credentials?: Credentials;
  clock?: Clock;
}

export interface CallOptions {
  timeoutMs?: number;
  /** Ask this NameServer only, without failing over. */
  address?: string;
}

export interface BroadcastOptions {
  timeoutMs?: number;
  /** The NameServers to send to; default all of them. */
  addresses?: readonly string[];
}

export interface DataVersionAnswer {
  changed: boolean;
  /** The NameServer's data version of the broker, null when it does not know the broker. */
  dataVersion: DataVersion | null;
}

export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
}

/**
 * A client of one or more NameServers. Connections are opened on first use and reused. A request
 * goes to the NameServer that answered last; when it is down or does not answer in time, the next
 * one is tried, and the one that failed is passed over for a while. Requests that change state are
 * sent to every NameServer, as Java's admin client does.
 *
 * ```ts
 * const client = new NameServerClient({ nameServers: '127.0.0.1:9876;127.0.0.2:9876' });
 * const route = await client.getTopicRoute('TopicTest');
 * await client.close();
 * ```
 */
export class NameServerClient {
  private addressList: string[];
  private readonly pool: ConnectionPool;
  private readonly downUntil = new Map<string, number>();
  private preferred: string | null = null;
  private nextIndex: number;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly downBackoffMs: number;
  private readonly version: number;
  private addressFetch: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private isClosed = false;

  constructor(private readonly options: NameServerClientOptions) {
    if (options.nameServers == null && !options.addressServer) {
      throw new TypeError('NameServerClient needs nameServers or addressServer');
    }
    this.addressList = options.nameServers != null ? parseNameServerList(options.nameServers) : [];
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.downBackoffMs = options.downBackoffMs ?? 10_000;
    this.version = options.version ?? CLIENT_VERSION;
    this.nextIndex = Math.floor(Math.random() * 1024);
    const tlsOptions = options.tls === true ? { rejectUnauthorized: false } : options.tls || null;
    this.pool = new ConnectionPool({ tls: tlsOptions, connectTimeoutMs: options.connectTimeoutMs });
  }

  /** The NameServers in use. */
  get addresses(): readonly string[] {
    return this.addressList;
  }

  /** The NameServer that answered last, if any. */
  get currentAddress(): string | null {
    return this.preferred;
  }

  /** Replaces the NameServer list; connections to NameServers no longer listed are closed. */
  async setAddresses(list: string | readonly string[]): Promise<void> {
    const next = parseNameServerList(list);
    const removed = this.addressList.filter((a) => !next.includes(a));
    this.addressList = next;
    if (this.preferred && !next.includes(this.preferred)) this.preferred = null;
    for (const address of removed) this.downUntil.delete(address);
    await Promise.all(removed.map((a) => this.pool.drop(a)));
  }

  /** Fetches the address list now when it comes from an address server; otherwise does nothing. */
  async start(): Promise<void> {
    await this.ensureAddresses();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    await this.pool.close();
  }

  // ---- Generic calls ----

  /** Sends a request to one NameServer (failing over as described above) and returns its answer, whatever its code. */
  async invoke(unsigned: RemotingCommand, options: CallOptions = {}): Promise<RemotingCommand> {
    if (this.isClosed) throw new NameServerUnavailableError('the client is closed');
    const request = signedCopy(unsigned, this.options.credentials);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    if (options.address) return this.invokeAt(options.address, request, timeoutMs);
    await this.ensureAddresses();
    const candidates = this.candidates();
    if (candidates.length === 0) throw new NameServerUnavailableError('no NameServer address is configured');
    const failures = new Map<string, Error>();
    for (const address of candidates) {
      try {
        const response = await this.invokeAt(address, request, timeoutMs);
        if (response.code === ResponseCode.GO_AWAY) {
          // A NameServer shutting down gracefully: its connection is dropped and the next one asked.
          await this.pool.drop(address);
          throw new NameServerError(response.code, response.remark, address);
        }
        this.preferred = address;
        this.downUntil.delete(address);
        return response;
      } catch (err) {
        if (this.isClosed) throw err;
        failures.set(address, err as Error);
        this.downUntil.set(address, this.clock.now() + this.downBackoffMs);
        if (this.preferred === address) this.preferred = null;
      }
    }
    throw new NameServerUnavailableError('no NameServer answered', failures);
  }

  /** Sends a request to several NameServers in parallel; resolves with each one's answer or error. */
  async broadcast(unsigned: RemotingCommand, options: BroadcastOptions = {}): Promise<Map<string, RemotingCommand | Error>> {
    const request = signedCopy(unsigned, this.options.credentials);
    if (!options.addresses) await this.ensureAddresses();
    const addresses = options.addresses ? parseNameServerList(options.addresses) : this.addressList;
    if (addresses.length === 0) throw new NameServerUnavailableError('no NameServer address is configured');
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const answers = await Promise.all(
      addresses.map((address) => this.invokeAt(address, request, timeoutMs).catch((err: Error) => err)),
    );
    return new Map(addresses.map((address, i) => [address, answers[i]!]));
  }

  // ---- Routes and clusters ----

  async getTopicRoute(topic: string, options?: CallOptions): Promise<TopicRouteData> {
    const response = await this.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }, null, options);
    return decodeTopicRouteData(requireBody(response));
  }

  async getClusterInfo(options?: CallOptions): Promise<ClusterInfo> {
    const response = await this.call(RequestCode.GET_BROKER_CLUSTER_INFO, {}, null, options);
    return decodeClusterInfo(requireBody(response));
  }

  async getBrokerMemberGroup(clusterName: string, brokerName: string, options?: CallOptions): Promise<BrokerMemberGroup | null> {
    const response = await this.call(RequestCode.GET_BROKER_MEMBER_GROUP, { clusterName, brokerName }, null, options);
    return response.body ? decodeBrokerMemberGroupResponse(response.body) : null;
  }

  // ---- Topic lists ----

  getAllTopicList(options?: CallOptions): Promise<TopicList> {
    return this.topicList(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, {}, options);
  }

  getTopicsByCluster(cluster: string, options?: CallOptions): Promise<TopicList> {
    return this.topicList(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster }, options);
  }

  getSystemTopicList(options?: CallOptions): Promise<TopicList> {
    return this.topicList(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, {}, options);
  }

  getUnitTopicList(options?: CallOptions): Promise<TopicList> {
    return this.topicList(RequestCode.GET_UNIT_TOPIC_LIST, {}, options);
  }

  getHasUnitSubTopicList(options?: CallOptions): Promise<TopicList> {
    return this.topicList(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, {}, options);
  }

  getHasUnitSubUnUnitTopicList(options?: CallOptions): Promise<TopicList> {
    return this.topicList(RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, {}, options);
  }

  // ---- KV config ----

  /** The value, or null when the NameServer has no such key. */
  async getKvConfig(namespace: string, key: string, options?: CallOptions): Promise<string | null> {
    const response = await this.call(RequestCode.GET_KV_CONFIG, { namespace, key }, null, options, [ResponseCode.QUERY_NOT_FOUND]);
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return null;
    return response.extFields?.value ?? null;
  }

  /** Every key of a namespace; empty when the namespace does not exist. */
  async getKvList(namespace: string, options?: CallOptions): Promise<Map<string, string>> {
    const response = await this.call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace }, null, options, [ResponseCode.QUERY_NOT_FOUND]);
    if (response.code === ResponseCode.QUERY_NOT_FOUND || !response.body) return new Map();
    return decodeKvTable(response.body);
  }

  /** Puts a value on every NameServer. */
  async putKvConfig(namespace: string, key: string, value: string, options?: BroadcastOptions): Promise<void> {
    await this.callAll('PUT_KV_CONFIG', RequestCode.PUT_KV_CONFIG, { namespace, key, value }, null, options);
  }

  /** Deletes a key on every NameServer. */
  async deleteKvConfig(namespace: string, key: string, options?: BroadcastOptions): Promise<void> {
    await this.callAll('DELETE_KV_CONFIG', RequestCode.DELETE_KV_CONFIG, { namespace, key }, null, options);
  }

  // ---- NameServer config ----

  /** Each NameServer's settings, by address. */
  async getNamesrvConfig(options?: BroadcastOptions): Promise<Map<string, Map<string, string>>> {
    const answers = await this.callAll('GET_NAMESRV_CONFIG', RequestCode.GET_NAMESRV_CONFIG, {}, null, options);
    const configs = new Map<string, Map<string, string>>();
    for (const [address, response] of answers) {
      configs.set(address, response.body ? parseProperties(response.body.toString('utf8')) : new Map());
    }
    return configs;
  }

  /** Changes settings on every NameServer (or those given). */
  async updateNamesrvConfig(properties: Map<string, string> | Record<string, string>, options?: BroadcastOptions): Promise<void> {
    const entries = properties instanceof Map ? Array.from(properties) : Object.entries(properties);
    const body = entries.map(([k, v]) => `${k}=${v}\n`).join('');
    await this.callAll('UPDATE_NAMESRV_CONFIG', RequestCode.UPDATE_NAMESRV_CONFIG, {}, body, options);
  }

  // ---- Broker write permission, topics ----

  /** Takes write permission away from a broker's topics; resolves with the number of topics changed. */
  async wipeWritePermOfBroker(brokerName: string, options?: CallOptions): Promise<number> {
    const response = await this.call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName }, null, options);
    return Number(response.extFields?.wipeTopicCount ?? 0);
  }

  /** Gives write permission back to a broker's topics; resolves with the number of topics changed. */
  async addWritePermOfBroker(brokerName: string, options?: CallOptions): Promise<number> {
    const response = await this.call(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName }, null, options);
    return Number(response.extFields?.addTopicCount ?? 0);
  }

  /** Deletes a topic's route on every NameServer (for one cluster's brokers when clusterName is given). */
  async deleteTopicInNamesrv(topic: string, clusterName?: string | null, options?: BroadcastOptions): Promise<void> {
    await this.callAll('DELETE_TOPIC_IN_NAMESRV', RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic, clusterName }, null, options);
  }

  /** Registers a topic's queues on every NameServer, as a broker does for a topic created on it. */
  async registerTopic(topic: string, queueDatas: QueueData[], options?: BroadcastOptions): Promise<void> {
    const body = encodeTopicRouteData({ queueDatas, brokerDatas: [], filterServerTable: new Map() }, 'fastjson');
    await this.callAll('REGISTER_TOPIC_IN_NAMESRV', RequestCode.REGISTER_TOPIC_IN_NAMESRV, { topic }, body, options);
  }

  /** Asks whether the NameServer's copy of a broker's topic config differs from `dataVersion`. */
  async queryDataVersion(broker: BrokerIdentity, dataVersion: DataVersion, options?: CallOptions): Promise<DataVersionAnswer> {
    const header = { brokerAddr: broker.brokerAddr, brokerId: broker.brokerId, brokerName: broker.brokerName, clusterName: broker.clusterName };
    const response = await this.call(RequestCode.QUERY_DATA_VERSION, header, encodeDataVersion(dataVersion), options);
    return {
      changed: response.extFields?.changed?.toLowerCase() === 'true',
      dataVersion: response.body ? decodeDataVersion(response.body) : null,
    };
  }

  // ---- Internals ----

  private async topicList(code: number, header: HeaderValues, options?: CallOptions): Promise<TopicList> {
    const response = await this.call(code, header, null, options);
    return decodeTopicList(requireBody(response));
  }

  private async call(
    code: number,
    header: HeaderValues,
    body: Buffer | string | null,
    options: CallOptions = {},
    acceptedCodes: readonly number[] = [],
  ): Promise<RemotingCommand> {
    const response = await this.invoke(clientRequest(code, header, body, this.version), options);
    if (response.code !== ResponseCode.SUCCESS && !acceptedCodes.includes(response.code)) {
      throw new NameServerError(response.code, response.remark, options.address ?? this.preferred ?? '');
    }
    return response;
  }

  /** Sends to every NameServer; throws when any of them failed or refused, after all have answered. */
  private async callAll(
    what: string,
    code: number,
    header: HeaderValues,
    body: Buffer | string | null,
    options: BroadcastOptions = {},
  ): Promise<Map<string, RemotingCommand>> {
    const answers = await this.broadcast(clientRequest(code, header, body, this.version), options);
    const ok = new Map<string, RemotingCommand>();
    const failures = new Map<string, Error>();
    for (const [address, answer] of answers) {
      if (answer instanceof Error) failures.set(address, answer);
      else if (answer.code !== ResponseCode.SUCCESS) failures.set(address, new NameServerError(answer.code, answer.remark, address));
      else ok.set(address, answer);
    }
    if (failures.size > 0) throw new NameServerBroadcastError(`${what} failed on ${failures.size} of ${answers.size} NameServers`, failures);
    return ok;
  }

  private async invokeAt(address: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const connection = await this.pool.get(address);
    return connection.invoke(request, timeoutMs);
  }

  /** The order in which to try NameServers: the last good one, then round-robin; those that failed recently last. */
  private candidates(): string[] {
    const list = this.addressList;
    if (list.length === 0) return [];
    const start = this.preferred ? list.indexOf(this.preferred) : this.nextIndex++ % list.length;
    const ring = list.map((_, i) => list[(start + i) % list.length]!);
    const now = this.clock.now();
    const isDown = (a: string) => (this.downUntil.get(a) ?? 0) > now;
    return [...ring.filter((a) => !isDown(a)), ...ring.filter(isDown)];
  }

  private ensureAddresses(): Promise<void> {
    const server = this.options.addressServer;
    if (!server || this.options.nameServers != null) return Promise.resolve();
    if (!this.addressFetch) {
      this.addressFetch = this.fetchAddresses().then(() => this.scheduleAddressRefresh(server));
      this.addressFetch.catch(() => {
        this.addressFetch = null;
      });
    }
    return this.addressFetch;
  }

  private async fetchAddresses(): Promise<void> {
    const server = this.options.addressServer!;
    const fetched = await fetchNameServerAddresses(addressServerUrl(server), server.timeoutMs ?? 3000);
    if (!this.isClosed && fetched.join(';') !== this.addressList.join(';')) await this.setAddresses(fetched);
  }

  private scheduleAddressRefresh(server: AddressServerOptions): void {
    if (this.isClosed || this.refreshTimer) return;
    this.refreshTimer = setInterval(() => {
      // A failed refresh keeps the list we have, as Java does.
      this.fetchAddresses().catch(() => undefined);
    }, server.refreshIntervalMs ?? 120_000);
    this.refreshTimer.unref();
  }
}

function requireBody(response: RemotingCommand): Buffer {
  if (!response.body) throw new NameServerError(response.code, 'the answer has no body', '');
  return response.body;
}
