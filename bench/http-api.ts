/**
 * How long one HTTP API request holds the event loop over a large registry (default: 4 brokers,
 * 30,000 topics, each topic on 2 brokers). Starts a NameServer in this process, then for each
 * request measures the event loop's longest stall while it is served (perf_hooks, 1 ms resolution)
 * and the time of the synchronous work the route does (the registry view call and the JSON).
 *
 *   npm run build && node dist/bench/http-api.js [--topics=30000] [--repeat=20]
 */
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fs from 'node:fs';
import { Configuration } from '../src/namesrv/config/configuration.js';
import { NameServerApp } from '../src/app/nameserver-app.js';
import { silentLogger } from '../src/util/logger.js';
import { topicConfig } from './broker-bodies.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const TOPICS = Number(args.get('topics') ?? 30_000);
const REPEAT = Number(args.get('repeat') ?? 20);
const BROKERS = 4;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-http-'));
const configuration = new Configuration({
  homeDir: home,
  namesrv: { kvConfigPath: path.join(home, 'kv.json'), configStorePath: path.join(home, 'ns.properties') },
  netty: { listenPort: 0, bindAddress: '127.0.0.1' },
  http: { httpPort: 0 },
});
const app = new NameServerApp({ configuration, logger: silentLogger(), env: {} });
await app.start();
const server = app.nameServer;
const base = `http://127.0.0.1:${app.httpEndpoint!.port}`;

const names = Array.from({ length: TOPICS }, (_, i) => `Topic-${(i * 7919) % TOPICS}-${i.toString(36)}`);
for (let b = 0; b < BROKERS; b++) {
  const mine = names.filter((_, i) => i % BROKERS === b || i % BROKERS === (b + 1) % BROKERS);
  server.registry.registerBroker({
    clusterName: b < 2 ? 'ClusterA' : 'ClusterB',
    brokerName: `broker-${b}`,
    brokerAddr: `127.0.0.1:${10911 + b * 10}`,
    brokerId: 0,
    haServerAddr: `127.0.0.1:${10912 + b * 10}`,
    topicConfigWrapper: { dataVersion: { stateVersion: 0, timestamp: 1, counter: 1 }, topicConfigTable: new Map(mine.map((t) => [t, topicConfig(t)])) },
    connectionId: null,
  });
}

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

async function measure(label: string, url: string, sync: () => unknown): Promise<void> {
  const stalls: number[] = [];
  const work: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    loop.reset();
    const response = await fetch(base + url);
    await response.arrayBuffer();
    stalls.push(loop.max / 1e6);
    const started = performance.now();
    JSON.stringify(sync());
    work.push(performance.now() - started);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`| ${label} | ${median(work).toFixed(2)} | ${Math.max(...work).toFixed(2)} | ${median(stalls).toFixed(1)} | ${Math.max(...stalls).toFixed(1)} |`);
}

const view = server.registryView;
console.log(`${TOPICS} topics on ${BROKERS} brokers, ${REPEAT} requests each; ms`);
console.log('| request | work median | work max | loop stall median | loop stall max |');
console.log('|---|--:|--:|--:|--:|');
// The first read after a change sorts the names once (the snapshot); timed on its own.
const first = performance.now();
view.topics({ offset: 0, limit: 100 });
console.log(`| first topics read after the registration (sorts ${TOPICS} names once) | ${(performance.now() - first).toFixed(2)} | | | |`);
await measure('GET /api/v1/topics (limit 100)', '/api/v1/topics', () => view.topics({ offset: 0, limit: 100 }));
await measure('GET /api/v1/topics?limit=1000&offset=20000', '/api/v1/topics?limit=1000&offset=20000', () => view.topics({ offset: 20000, limit: 1000 }));
await measure('GET /api/v1/topics?prefix=Topic-1', '/api/v1/topics?prefix=Topic-1', () => view.topics({ offset: 0, limit: 100, prefix: 'Topic-1' }));
await measure('GET /api/v1/topics?cluster=ClusterB', '/api/v1/topics?cluster=ClusterB', () => view.topics({ offset: 0, limit: 100, cluster: 'ClusterB' }));
await measure('GET /api/v1/brokers', '/api/v1/brokers', () => view.brokers());
await measure('GET /api/v1/overview', '/api/v1/overview', () => view.counts());
await measure('GET /metrics', '/metrics', () => undefined);
// One topic changes: the next read applies it by binary search.
server.registry.registerTopic('Topic-new', [{ brokerName: 'broker-0', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 }]);
const after = performance.now();
view.topics({ offset: 0, limit: 100 });
console.log(`| topics read after one topic was added | ${(performance.now() - after).toFixed(2)} | | | |`);

// More topics than the registry journals came: one pass over the names, the new ones sorted in.
for (let i = 0; i < 300; i++) server.registry.registerTopic(`Topic-more-${i}`, [{ brokerName: 'broker-0', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 }]);
const reconciled = performance.now();
view.topics({ offset: 0, limit: 100 });
console.log(`| topics read after 300 topics were added (one pass over the names) | ${(performance.now() - reconciled).toFixed(2)} | | | |`);
const firstCluster = performance.now();
view.topics({ offset: 0, limit: 100, cluster: 'ClusterA' });
console.log(`| first read of a cluster's topics after a change | ${(performance.now() - firstCluster).toFixed(2)} | | | |`);

loop.disable();
await app.shutdown();
fs.rmSync(home, { recursive: true, force: true });
