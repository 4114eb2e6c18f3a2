import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { ownAddress } from '../../src/http/routes/address-server.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { httpGet } from '../support/http.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const require = createRequire(import.meta.url);

/** What Java's HttpTinyClient sends with its GET (TopAddressing). */
const JAVA_CLIENT_HEADERS = {
  'Client-Version': 'V5_3_3',
  'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
  'Metaq-Client-RequestTS': '1764000000000',
};

describe('the address server', () => {
  let ns: RunningNameServer;

  before(async () => {
    ns = await startNameServer();
    const broker = new FakeBroker(await ns.connect(), { topics: [topic('TopicTest'), topic('TopicB')] });
    assert.equal((await broker.register()).code, 0);
  });

  after(() => ns.stop());

  test('nsaddr answers this server\'s remoting address as plain text, to a request shaped as Java\'s', async () => {
    const answer = await httpGet(ns.httpPort!, '/rocketmq/nsaddr', JAVA_CLIENT_HEADERS);
    assert.equal(answer.status, 200);
    assert.match(answer.contentType ?? '', /^text\/plain/);
    assert.equal(answer.text, `127.0.0.1:${ns.port}`);
  });

  test('a subgroup nobody configured is a 404', async () => {
    const answer = await httpGet(ns.httpPort!, '/rocketmq/nsaddr-elsewhere');
    assert.equal(answer.status, 404);
    assert.match(JSON.parse(answer.text).error, /nsaddr-elsewhere/);
  });

  test('our SDK, given only the address-server URL, resolves a route through it', async () => {
    const client = new NameServerClient({ addressServer: { url: `http://127.0.0.1:${ns.httpPort}/rocketmq/nsaddr` } });
    try {
      const route = await client.getTopicRoute('TopicTest');
      assert.deepEqual(route.brokerDatas.map((b) => b.brokerName), ['broker-a']);
      assert.deepEqual(client.addresses, [`127.0.0.1:${ns.port}`]);
    } finally {
      await client.close();
    }
  });

  test('our SDK, given the domain as Java clients are (rocketmq.namesrv.domain), resolves a route', async () => {
    const client = new NameServerClient({ addressServer: { domain: `127.0.0.1:${ns.httpPort}` } });
    try {
      assert.equal((await client.getTopicRoute('TopicB')).queueDatas.length, 1);
    } finally {
      await client.close();
    }
  });

  test('ali-ons, given only onsAddr, fetches the list and resolves a route', async () => {
    const MQClientAPI = require('ali-ons/lib/mq_client_api.js') as new (options: object) => {
      ready(): Promise<void>;
      close(): Promise<void>;
      getTopicRouteInfoFromNameServer(topic: string, timeoutMillis?: number): Promise<{ brokerDatas: Array<{ brokerName: string }> }>;
    };
    // The HTTP client ali-ons is given by its host application (urllib's interface); the fetch, the
    // URL and the parsing of the answer are ali-ons' own.
    const fetched: string[] = [];
    const inFlight: Array<Promise<unknown>> = [];
    const httpclient = {
      request(url: string, options: { timeout: number }) {
        fetched.push(url);
        const answer = fetch(url, { signal: AbortSignal.timeout(options.timeout) }).then(async (response) => ({
          status: response.status,
          data: Buffer.from(await response.arrayBuffer()),
        }));
        inFlight.push(answer);
        return answer;
      },
    };
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const api = new MQClientAPI({ onsAddr: `http://127.0.0.1:${ns.httpPort}/rocketmq/nsaddr`, httpclient, logger: silent, responseTimeout: 3000 });
    try {
      await api.ready();
      const route = await api.getTopicRouteInfoFromNameServer('TopicTest', 3000);
      assert.deepEqual(route.brokerDatas.map((b) => b.brokerName), ['broker-a']);
      assert.equal(fetched[0], `http://127.0.0.1:${ns.httpPort}/rocketmq/nsaddr`);
    } finally {
      await api.close();
      // ali-ons fetches the list again when a connection closes, closing included.
      await Promise.allSettled(inFlight);
    }
  });
});

test('configured lists: addressServerNamesrvList for nsaddr, addressServerSubgroups for the others (units too)', async () => {
  const ns = await startNameServer({
    http: {
      addressServerNamesrvList: '10.0.0.1:9876; 10.0.0.2:9876',
      addressServerSubgroups: 'nsaddr-a=10.0.1.1:9876;10.0.1.2:9876, nsaddr-unit1=10.0.2.1:9876',
    },
  });
  try {
    const text = async (path: string) => (await httpGet(ns.httpPort!, path)).text;
    assert.equal(await text('/rocketmq/nsaddr'), '10.0.0.1:9876;10.0.0.2:9876');
    assert.equal(await text('/rocketmq/nsaddr-a'), '10.0.1.1:9876;10.0.1.2:9876');
    // Java and ali-ons ask for a unit's list as `<subgroup>-<unit>?nofix=1`.
    assert.equal(await text('/rocketmq/nsaddr-unit1?nofix=1'), '10.0.2.1:9876');
  } finally {
    await ns.stop();
  }
});

test('the own address: a specific bind address as it is; on a wildcard, this machine\'s address, never a name from the request', () => {
  assert.equal(ownAddress({ address: '10.1.2.3', port: 9876 }), '10.1.2.3:9876');
  assert.match(ownAddress({ address: '0.0.0.0', port: 9876 }), /^\d+\.\d+\.\d+\.\d+:9876$/);
  assert.match(ownAddress({ address: '::', port: 9876 }), /^\d+\.\d+\.\d+\.\d+:9876$/);
});

test('nsaddr never echoes the Host header (a cache in between would send every client there)', async () => {
  const ns = await startNameServer({ netty: { listenPort: 0, bindAddress: '0.0.0.0' } });
  try {
    const answer = await httpGet(ns.httpPort!, '/rocketmq/nsaddr', { ...JAVA_CLIENT_HEADERS, host: 'attacker.example:9877' });
    assert.equal(answer.status, 200);
    assert.doesNotMatch(answer.text, /attacker/);
    assert.equal(answer.text, ownAddress({ address: '0.0.0.0', port: ns.port }));
  } finally {
    await ns.stop();
  }
});
