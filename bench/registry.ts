/**
 * Simulated brokers: each keeps its own connection open (a NameServer drops a broker whose
 * connection closes), registers its topics as a real broker does, and unregisters at the end.
 */
import { bodyCrc32 } from '../src/protocol/body-crc.js';
import { RequestCode } from '../src/protocol/request-code.js';
import { ClientConnection } from '../src/remoting/remoting-client.js';
import { createRequest } from '../src/remoting/remoting-command.js';
import { CompressedBodies, JsonBodyTemplate } from './broker-bodies.js';

export interface RegistryLayout {
  clusterName: string;
  brokerPrefix: string;
  brokers: number;
  topicsPerBroker: number;
  /** How many brokers carry each topic (capped at `brokers`; `brokers` = every broker has every topic). */
  brokersPerTopic: number;
  topicPrefix: string;
  /** Broker i announces 127.0.0.1:(basePort + 2i); nothing connects to these addresses. */
  basePort: number;
}

export function topicPoolSize(layout: RegistryLayout): number {
  return Math.ceil((layout.brokers * layout.topicsPerBroker) / Math.min(layout.brokersPerTopic, layout.brokers));
}

export function topicsOfBroker(layout: RegistryLayout, index: number): string[] {
  const pool = topicPoolSize(layout);
  return Array.from({ length: layout.topicsPerBroker }, (_, j) => layout.topicPrefix + ((index * layout.topicsPerBroker + j) % pool));
}

export type BodyFlavor = 'json' | 'compressed';

export interface RegisterOutcome {
  ms: number;
  code: number;
  remark: string | null;
  bodyBytes: number;
}

const REGISTER_TIMEOUT_MS = 30_000;

export class SimulatedBroker {
  private counter = 1;
  private jsonBody: JsonBodyTemplate | null = null;
  private compressedBodies: CompressedBodies | null = null;
  lastRegisteredAt = 0;

  constructor(
    private readonly connection: ClientConnection,
    readonly clusterName: string,
    readonly brokerName: string,
    readonly brokerAddr: string,
    private readonly topics: readonly string[],
    private readonly version: number,
  ) {}

  static async connect(host: string, port: number, identity: { clusterName: string; brokerName: string; brokerAddr: string }, topics: readonly string[], version: number): Promise<SimulatedBroker> {
    const connection = await ClientConnection.connect({ host, port, connectTimeoutMs: 5000 });
    return new SimulatedBroker(connection, identity.clusterName, identity.brokerName, identity.brokerAddr, topics, version);
  }

  /** Builds the bodies up front, so that sends cost no encoding. */
  prepare(flavors: BodyFlavor[], compressedVariants = 4): void {
    if (flavors.includes('json')) this.jsonBody ??= new JsonBodyTemplate(this.topics);
    if (flavors.includes('compressed')) this.compressedBodies ??= new CompressedBodies(this.topics, compressedVariants, 1_000_000, this.version);
  }

  /** Frees the prepared bodies (large registries). */
  release(): void {
    this.jsonBody = null;
    this.compressedBodies = null;
  }

  /** Registers; `newVersion` sends a data version the server has not seen (the topic table must be re-read). */
  async register(flavor: BodyFlavor, newVersion = true): Promise<RegisterOutcome> {
    this.prepare([flavor]);
    if (newVersion) this.counter++;
    const body = flavor === 'json' ? this.jsonBody!.withCounter(this.counter) : this.compressedBodies!.take();
    return this.registerBody(body, flavor === 'compressed');
  }

  /** Registers with `body` as it is (e.g. a hostile one). */
  async registerBody(body: Buffer, compressed: boolean): Promise<RegisterOutcome> {
    const extFields: Record<string, string> = {
      brokerName: this.brokerName,
      brokerAddr: this.brokerAddr,
      clusterName: this.clusterName,
      haServerAddr: this.brokerAddr.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) + 1}`),
      brokerId: '0',
      compressed: String(compressed),
      bodyCrc32: String(bodyCrc32(body)),
    };
    const started = performance.now();
    const response = await this.connection.invoke(
      createRequest({ code: RequestCode.REGISTER_BROKER, extFields, body, version: this.version }),
      REGISTER_TIMEOUT_MS,
    );
    this.lastRegisteredAt = Date.now();
    return { ms: performance.now() - started, code: response.code, remark: response.remark, bodyBytes: body.length };
  }

  async unregister(): Promise<void> {
    if (!this.connection.isOpen) return;
    await this.connection
      .invoke(
        createRequest({
          code: RequestCode.UNREGISTER_BROKER,
          extFields: { brokerName: this.brokerName, brokerAddr: this.brokerAddr, clusterName: this.clusterName, brokerId: '0' },
          version: this.version,
        }),
        5000,
      )
      .catch(() => undefined);
  }

  close(): void {
    this.connection.close();
  }
}

/** A set of brokers laid out per `layout`, registered and kept alive together. */
export class SimulatedRegistry {
  private keepAliveTimer: NodeJS.Timeout | null = null;

  private constructor(readonly layout: RegistryLayout, readonly brokers: SimulatedBroker[]) {}

  static async connect(host: string, port: number, layout: RegistryLayout, version: number): Promise<SimulatedRegistry> {
    const brokers: SimulatedBroker[] = [];
    for (let i = 0; i < layout.brokers; i++) {
      brokers.push(
        await SimulatedBroker.connect(
          host,
          port,
          { clusterName: layout.clusterName, brokerName: `${layout.brokerPrefix}${i}`, brokerAddr: `127.0.0.1:${layout.basePort + 2 * i}` },
          topicsOfBroker(layout, i),
          version,
        ),
      );
    }
    return new SimulatedRegistry(layout, brokers);
  }

  /** Registers every broker (JSON bodies), `parallel` at a time; fails on the first refusal. */
  async registerAll(parallel: number, keepBodies: boolean): Promise<{ ms: number; bytes: number }> {
    const started = performance.now();
    let bytes = 0;
    let next = 0;
    const lane = async () => {
      while (next < this.brokers.length) {
        const broker = this.brokers[next++];
        const outcome = await broker.register('json');
        if (!keepBodies) broker.release();
        if (outcome.code !== 0) throw new Error(`REGISTER_BROKER of ${broker.brokerName} answered code ${outcome.code}: ${outcome.remark}`);
        bytes += outcome.bodyBytes;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, lane));
    return { ms: performance.now() - started, bytes };
  }

  /**
   * Re-registers (same data version, as idle brokers do every 30 s) any broker not heard of for
   * `maxSilenceMs`, so that long runs do not see brokers expire (NameServers drop brokers silent for 120 s).
   */
  startKeepAlive(maxSilenceMs = 60_000, checkEveryMs = 10_000): void {
    let busy = false;
    this.keepAliveTimer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        for (const b of this.brokers) if (Date.now() - b.lastRegisteredAt > maxSilenceMs) await b.register('json', false);
      } catch {
        // A failed keep-alive shows up as lookup errors.
      } finally {
        busy = false;
      }
    }, checkEveryMs);
    this.keepAliveTimer.unref();
  }

  async close(): Promise<void> {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    for (let i = 0; i < this.brokers.length; i += 16) await Promise.all(this.brokers.slice(i, i + 16).map((b) => b.unregister()));
    for (const b of this.brokers) b.close();
  }
}
