import type { NameServerClient } from '../namesrv/name-server-client.js';
import { LatencyFaultStrategy, QueueIndex, type LatencyFaultStrategyOptions } from './latency-fault-strategy.js';
import type { MessageQueue } from './message-queue.js';
import { topicRouteToPublishInfo, type TopicPublishInfo } from './publish-info.js';

export interface TopicPublishRouterOptions {
  client: NameServerClient;
  /** How often the routes of topics in use are fetched again; default 30 s, as Java clients do. */
  refreshIntervalMs?: number;
  faultStrategy?: LatencyFaultStrategy | LatencyFaultStrategyOptions;
}

export class NoQueueAvailableError extends Error {
  override readonly name = 'NoQueueAvailableError';
}

interface TopicEntry {
  info: TopicPublishInfo;
  index: QueueIndex;
}

/**
 * The producer side of routing: publish info per topic, fetched on first use and refreshed on an
 * interval, and a queue choice that avoids brokers whose sends just failed or were slow.
 *
 * ```ts
 * const router = new TopicPublishRouter({ client });
 * const mq = await router.selectQueue('TopicTest');
 * // send to mq.brokerName / mq.queueId, then:
 * router.reportSendFailure(mq.brokerName, elapsedMs); // or reportSendSuccess
 * ```
 */
export class TopicPublishRouter {
  readonly faultStrategy: LatencyFaultStrategy;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly loading = new Map<string, Promise<TopicEntry>>();
  private readonly client: NameServerClient;
  private timer: NodeJS.Timeout | null = null;
  private isClosed = false;

  constructor(private readonly options: TopicPublishRouterOptions) {
    this.client = options.client;
    this.faultStrategy =
      options.faultStrategy instanceof LatencyFaultStrategy ? options.faultStrategy : new LatencyFaultStrategy(options.faultStrategy);
  }

  /** The publish info of a topic, fetched from the NameServers the first time. */
  async publishInfo(topic: string): Promise<TopicPublishInfo> {
    return (await this.entry(topic)).info;
  }

  /** Chooses the queue for the next send; `lastBrokerName` is the broker a failed attempt went to. */
  async selectQueue(topic: string, lastBrokerName?: string | null): Promise<MessageQueue> {
    const { info, index } = await this.entry(topic);
    const mq = this.faultStrategy.selectQueue(info, index, lastBrokerName);
    if (!mq) throw new NoQueueAvailableError(`topic ${topic} has no writable queue`);
    return mq;
  }

  reportSendSuccess(brokerName: string, latencyMs: number): void {
    this.faultStrategy.updateFaultItem(brokerName, latencyMs, false, true);
  }

  /** A send failed: the broker is avoided for a while (`reachable: false` when it could not be reached at all). */
  reportSendFailure(brokerName: string, latencyMs: number, options: { reachable?: boolean } = {}): void {
    this.faultStrategy.updateFaultItem(brokerName, latencyMs, true, options.reachable ?? false);
  }

  /** Fetches every known topic's route again; a topic whose fetch fails keeps its publish info. */
  async refresh(): Promise<void> {
    await Promise.all(
      Array.from(this.topics.keys(), async (topic) => {
        try {
          const info = topicRouteToPublishInfo(topic, await this.client.getTopicRoute(topic));
          const entry = this.topics.get(topic);
          if (entry) entry.info = info;
        } catch {
          // Keep the last good route, as Java clients do.
        }
      }),
    );
  }

  close(): void {
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private entry(topic: string): Promise<TopicEntry> {
    const known = this.topics.get(topic);
    if (known) return Promise.resolve(known);
    let pending = this.loading.get(topic);
    if (!pending) {
      pending = this.load(topic).finally(() => this.loading.delete(topic));
      this.loading.set(topic, pending);
    }
    return pending;
  }

  private async load(topic: string): Promise<TopicEntry> {
    const info = topicRouteToPublishInfo(topic, await this.client.getTopicRoute(topic));
    const entry = this.topics.get(topic) ?? { info, index: new QueueIndex() };
    entry.info = info;
    this.topics.set(topic, entry);
    this.startTimer();
    return entry;
  }

  private startTimer(): void {
    if (this.timer || this.isClosed) return;
    this.timer = setInterval(() => void this.refresh(), this.options.refreshIntervalMs ?? 30_000);
    this.timer.unref();
  }
}
