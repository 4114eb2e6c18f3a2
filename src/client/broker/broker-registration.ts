import type tls from 'node:tls';
import { decodeKvTable, encodeDataVersion, encodeRegisterBrokerBody } from '../../protocol/bodies/index.js';
import { bodyCrc32 } from '../../protocol/body-crc.js';
import { MQVersion } from '../../protocol/mq-version.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { TopicConfigSerializeWrapper } from '../../protocol/route-types.js';
import type { RemotingCommand } from '../../remoting/remoting-command.js';
import { parseNameServerList } from '../namesrv/address-list.js';
import { clientRequest, type HeaderValues } from '../namesrv/client-request.js';
import { ConnectionPool } from '../namesrv/connection-pool.js';
import { NameServerError } from '../namesrv/errors.js';
import { signedCopy, type Credentials } from '../../security/signature.js';

export interface BrokerRegistrationOptions {
  /** `host:port;host:port`, or a list of `host:port`. */
  nameServers: string | readonly string[];
  clusterName: string;
  brokerName: string;
  /** 0 for a master. */
  brokerId: number;
  /** The address clients reach the broker at, `host:port`. */
  brokerAddr: string;
  /** Default: the broker port plus one, as Java brokers listen for HA. */
  haServerAddr?: string;
  zoneName?: string;
  enableActingMaster?: boolean;
  /** How long the NameServer keeps the broker without news; Java's default is 120 s. */
  heartbeatTimeoutMillis?: number;
  /** The topic table and its data version, read again before every registration. */
  topicConfig: () => TopicConfigSerializeWrapper;
  filterServerList?: () => string[];
  /** Send the compressed register body (Java's `compressedRegister`), for large topic tables. */
  compressed?: boolean;
  /** Re-registration interval; default 30 s as Java brokers. */
  registerIntervalMs?: number;
  /**
   * Interval of the lightweight heartbeat between registrations: BROKER_HEARTBEAT for a 5.x broker,
   * QUERY_DATA_VERSION (oneway) for an older one. Default: 1 s when acting master is enabled (when
   * Java brokers send it), otherwise no heartbeat. 0 disables it.
   */
  heartbeatIntervalMs?: number;
  /** The broker's protocol version; default 5.3.3's. */
  brokerVersion?: number;
  /** Timeout of one registration with one NameServer; default 6 s. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  tls?: tls.ConnectionOptions;
  /** Sign every request, as a Java 5.3 broker with `innerClientAuthenticationCredentials` does. */
  credentials?: Credentials;
  /** Requests a NameServer sends the broker (NOTIFY_MIN_BROKER_ID_CHANGE). */
  onNameServerRequest?: (nameServer: string, request: RemotingCommand) => void;
  /** Called after each registration round. */
  onRegistered?: (results: RegistrationResult[]) => void;
}

export type RegistrationResult =
  | {
      nameServer: string;
      ok: true;
      masterAddr: string | null;
      haServerAddr: string | null;
      /** The order-topic configs, when the NameServer returns them. */
      orderTopicConfig: Map<string, string> | null;
    }
  | { nameServer: string; ok: false; error: Error };

/**
 * What a broker does towards NameServers: register with every NameServer in parallel, re-register
 * on an interval, send heartbeats in between, unregister on close. One NameServer that is down or
 * slow delays no other: each has its own request and timeout.
 *
 * ```ts
 * const registration = new BrokerRegistration({
 *   nameServers: '127.0.0.1:9876', clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerId: 0,
 *   brokerAddr: '10.0.0.5:10911', topicConfig: () => ({ dataVersion, topicConfigTable }),
 * });
 * await registration.start();
 * // ...
 * await registration.close();
 * ```
 */
export class BrokerRegistration {
  private readonly nameServers: string[];
  private readonly pool: ConnectionPool;
  private registerTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private inFlight: Promise<RegistrationResult[]> | null = null;
  private isClosed = false;

  constructor(private readonly options: BrokerRegistrationOptions) {
    this.nameServers = parseNameServerList(options.nameServers);
    this.pool = new ConnectionPool({
      tls: options.tls,
      connectTimeoutMs: options.connectTimeoutMs,
      onRequest: options.onNameServerRequest,
    });
  }

  private get brokerVersion(): number {
    return this.options.brokerVersion ?? MQVersion.V5_3_3;
  }

  /** Registers with every NameServer, then keeps doing so on the interval. Resolves with the first round's results. */
  async start(): Promise<RegistrationResult[]> {
    if (this.registerTimer) throw new Error('BrokerRegistration already started');
    this.registerTimer = setInterval(() => void this.registerAll().catch(() => undefined), this.options.registerIntervalMs ?? 30_000);
    const heartbeatMs = this.options.heartbeatIntervalMs ?? (this.options.enableActingMaster ? 1000 : 0);
    if (heartbeatMs > 0) this.heartbeatTimer = setInterval(() => this.sendHeartbeats(), heartbeatMs);
    return this.registerAll();
  }

  /** One registration round. A round still running is awaited rather than doubled. */
  registerAll(): Promise<RegistrationResult[]> {
    if (this.isClosed) return Promise.resolve([]);
    if (!this.inFlight) {
      this.inFlight = this.registerRound().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** Stops the timers, unregisters from every NameServer (best effort) and closes the connections. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.registerTimer) clearInterval(this.registerTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.registerTimer = this.heartbeatTimer = null;
    await this.inFlight?.catch(() => undefined);
    const request = clientRequest(RequestCode.UNREGISTER_BROKER, this.identity(), null, this.brokerVersion);
    const timeoutMs = Math.min(this.options.timeoutMs ?? 6000, 3000);
    await Promise.all(this.nameServers.map((ns) => this.invoke(ns, request, timeoutMs).catch(() => undefined)));
    await this.pool.close();
  }

  private async registerRound(): Promise<RegistrationResult[]> {
    const request = this.registerRequest();
    const results = await Promise.all(this.nameServers.map((ns) => this.registerWith(ns, request)));
    this.options.onRegistered?.(results);
    return results;
  }

  private registerRequest(): RemotingCommand {
    const o = this.options;
    const compressed = o.compressed === true;
    const body = encodeRegisterBrokerBody(
      { topicConfigSerializeWrapper: o.topicConfig(), filterServerList: o.filterServerList?.() ?? [] },
      compressed,
      this.brokerVersion,
    );
    const header: HeaderValues = {
      ...this.identity(),
      haServerAddr: o.haServerAddr ?? defaultHaServerAddr(o.brokerAddr),
      enableActingMaster: o.enableActingMaster ?? false,
      compressed,
      bodyCrc32: bodyCrc32(body),
      heartbeatTimeoutMillis: o.heartbeatTimeoutMillis,
      zoneName: o.zoneName,
    };
    return clientRequest(RequestCode.REGISTER_BROKER, header, body, this.brokerVersion);
  }

  private async registerWith(nameServer: string, request: RemotingCommand): Promise<RegistrationResult> {
    try {
      const response = await this.invoke(nameServer, request);
      // A NameServer shutting down gracefully: the next round opens a new connection.
      if (response.code === ResponseCode.GO_AWAY) await this.pool.drop(nameServer);
      if (response.code !== ResponseCode.SUCCESS) throw new NameServerError(response.code, response.remark, nameServer);
      return {
        nameServer,
        ok: true,
        masterAddr: response.extFields?.masterAddr ?? null,
        haServerAddr: response.extFields?.haServerAddr ?? null,
        orderTopicConfig: response.body ? decodeKvTable(response.body) : null,
      };
    } catch (err) {
      return { nameServer, ok: false, error: err as Error };
    }
  }

  private sendHeartbeats(): void {
    const modern = this.brokerVersion >= MQVersion.V5_0_0;
    const { clusterName, brokerAddr, brokerName, brokerId } = this.identity();
    const unsigned = modern
      ? clientRequest(RequestCode.BROKER_HEARTBEAT, { clusterName, brokerAddr, brokerName }, null, this.brokerVersion)
      : clientRequest(
          RequestCode.QUERY_DATA_VERSION,
          { brokerAddr, brokerId, brokerName, clusterName },
          encodeDataVersion(this.options.topicConfig().dataVersion),
          this.brokerVersion,
        );
    const request = signedCopy(unsigned, this.options.credentials);
    for (const nameServer of this.nameServers) {
      this.pool
        .get(nameServer)
        .then((connection) => connection.invokeOneway(request))
        .catch(() => undefined);
    }
  }

  private async invoke(nameServer: string, request: RemotingCommand, timeoutMs = this.options.timeoutMs ?? 6000): Promise<RemotingCommand> {
    const connection = await this.pool.get(nameServer);
    return connection.invoke(signedCopy(request, this.options.credentials), timeoutMs);
  }

  private identity(): { brokerAddr: string; brokerId: number; brokerName: string; clusterName: string } {
    const { brokerAddr, brokerId, brokerName, clusterName } = this.options;
    return { brokerAddr, brokerId, brokerName, clusterName };
  }
}

function defaultHaServerAddr(brokerAddr: string): string {
  return brokerAddr.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 1}`);
}
