import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { RequestCode, requestCodeName } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { decodeCommand } from '../../src/remoting/command-codec.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { frameBytes, loadCapture } from '../fixtures/captures.js';
import { registerRequest, topic } from '../support/fake-broker.js';
import { ADMIN, ELSEWHERE, PLAIN, send, startAclServer, type AclServer, type SendOptions } from './acl-harness.js';

const BROKER_A = { brokerId: '0', clusterName: 'DefaultCluster', brokerAddr: '127.0.0.1:10911', brokerName: 'broker-a' };
const DATA_VERSION = { stateVersion: 0, timestamp: 1, counter: 1 };

/** Every request that changes state, as the protected code it is. */
const PROTECTED: Array<{ code: number; options: SendOptions; admin: boolean }> = [
  { code: RequestCode.UPDATE_NAMESRV_CONFIG, options: { body: 'orderMessageEnable=true\n' }, admin: true },
  { code: RequestCode.PUT_KV_CONFIG, options: { extFields: { namespace: 'NS', key: 'K2', value: 'V2' } }, admin: true },
  { code: RequestCode.DELETE_KV_CONFIG, options: { extFields: { namespace: 'NS', key: 'K' } }, admin: true },
  { code: RequestCode.WIPE_WRITE_PERM_OF_BROKER, options: { extFields: { brokerName: 'broker-a' } }, admin: true },
  { code: RequestCode.ADD_WRITE_PERM_OF_BROKER, options: { extFields: { brokerName: 'broker-b' } }, admin: true },
  { code: RequestCode.DELETE_TOPIC_IN_NAMESRV, options: { extFields: { topic: 'TopicA' } }, admin: true },
  {
    code: RequestCode.REGISTER_TOPIC_IN_NAMESRV,
    options: {
      extFields: { topic: 'NewTopic' },
      body: JSON.stringify({ brokerDatas: [], queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 }] }),
    },
    admin: true,
  },
  {
    code: RequestCode.REGISTER_BROKER,
    options: registerRequest({ brokerName: 'broker-c', brokerAddr: '127.0.0.1:30911', topics: [topic('TopicC'), topic('TopicD')], dataVersion: DATA_VERSION }),
    admin: false,
  },
  { code: RequestCode.UNREGISTER_BROKER, options: { extFields: BROKER_A }, admin: false },
  { code: RequestCode.BROKER_HEARTBEAT, options: { extFields: BROKER_A }, admin: false },
  { code: RequestCode.QUERY_DATA_VERSION, options: { extFields: BROKER_A, body: JSON.stringify(DATA_VERSION) }, admin: false },
];

/** What a refused request must leave as it was: routes, brokers, KV, settings and the files behind them. */
async function snapshot(ns: AclServer, client: ClientConnection): Promise<string[]> {
  const read = async (code: number, extFields?: Record<string, string>) => {
    const response = await send(client, code, { extFields, credentials: ADMIN });
    return `${response.code} ${response.body?.toString() ?? ''}`;
  };
  const file = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '<none>');
  return [
    await read(RequestCode.GET_BROKER_CLUSTER_INFO),
    await read(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
    await read(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA' }),
    await read(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NewTopic' }),
    await read(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'NS' }),
    await read(RequestCode.GET_NAMESRV_CONFIG),
    file(ns.configuration.namesrv.kvConfigPath),
    file(ns.configuration.namesrv.configStorePath),
  ];
}

describe('signed requests (aclEnable=true)', () => {
  let ns: AclServer;
  let client: ClientConnection;
  let before_: string[];

  before(async () => {
    ns = await startAclServer();
    client = await ns.connect();
    const register = async (brokerName: string, brokerAddr: string) => {
      const request = registerRequest({ brokerName, brokerAddr, topics: [topic('TopicA'), topic('TopicB')], dataVersion: DATA_VERSION });
      assert.equal((await send(client, RequestCode.REGISTER_BROKER, { ...request, credentials: PLAIN })).code, ResponseCode.SUCCESS);
    };
    await register('broker-a', '127.0.0.1:10911');
    await register('broker-b', '127.0.0.1:20911');
    const admin = { credentials: ADMIN };
    assert.equal((await send(client, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'broker-b' }, ...admin })).code, 0);
    assert.equal((await send(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K', value: 'V' }, ...admin })).code, 0);
    before_ = await snapshot(ns, client);
  });
  after(() => ns.stop());

  const refusals: Array<[string, (o: SendOptions) => SendOptions, RegExp, boolean]> = [
    ['unsigned', (o) => o, /needs a signed request: no AccessKey/, true],
    ['signed with a wrong secret', (o) => ({ ...o, credentials: { ...ADMIN, secretKey: 'not-the-secret' } }), /^Check signature failed for accessKey=rocketmq2$/, true],
    ['signed by an unknown account', (o) => ({ ...o, credentials: { accessKey: 'stranger', secretKey: '12345678' } }), /^No acl config for stranger$/, true],
    ['signed from an address the account may not use', (o) => ({ ...o, credentials: ELSEWHERE }), /^accessKey faraway is not allowed from 127\.0\.0\.1$/, true],
    ['signed by a non-admin account', (o) => ({ ...o, credentials: PLAIN }), /needs an admin account; RocketMQ is not one/, false],
  ];

  it('refusals are counted in the request metrics by their response code', async () => {
    const counted = () => [...ns.server.counters.requests.codes()].find((c) => c.code === 'PUT_KV_CONFIG')?.failed.get(ResponseCode.NO_PERMISSION) ?? 0;
    const before = counted();
    const response = await send(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K3', value: 'V3' } });
    assert.equal(response.code, ResponseCode.NO_PERMISSION);
    assert.equal(counted(), before + 1);
  });

  for (const { code, options, admin } of PROTECTED) {
    for (const [what, variant, remark, everyCode] of refusals) {
      if (!everyCode && !admin) continue;
      for (const rocketmq of [false, true]) {
        it(`${requestCodeName(code)} ${what} (${rocketmq ? 'ROCKETMQ' : 'JSON'}): NO_PERMISSION, nothing changed`, async () => {
          const response = await send(client, code, { ...variant(options), rocketmq });
          assert.equal(response.code, ResponseCode.NO_PERMISSION);
          assert.match(response.remark ?? '', remark);
          assert.doesNotMatch(response.remark ?? '', /12345678|87654321/, 'never the secret');
          assert.deepEqual(await snapshot(ns, client), before_);
        });
      }
    }
  }

  it('a non-admin account may sign broker requests', async () => {
    const response = await send(client, RequestCode.BROKER_HEARTBEAT, { extFields: BROKER_A, credentials: PLAIN });
    assert.equal(response.code, ResponseCode.SUCCESS);
  });

  it('reads are open by default', async () => {
    const response = await send(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' } });
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(response.extFields?.value, 'V');
  });

  it('an admin\'s signed admin requests run', async () => {
    const put = await send(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS2', key: 'A', value: 'B' }, credentials: ADMIN, rocketmq: true });
    assert.equal(put.code, ResponseCode.SUCCESS);
    const got = await send(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS2', key: 'A' } });
    assert.equal(got.extFields?.value, 'B');
  });

  it('a remote caller cannot switch the ACL off or move its file', async () => {
    for (const body of ['aclEnable=false\n', `aclFile=${ns.home}/other.yml\n`, 'aclBrokerRequests=false\n', 'aclReads=false\n', 'aclAdminRequiresTls=false\n', 'proxyProtocolTrustedAddresses=0.0.0.0/0\n']) {
      const response = await send(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body, credentials: ADMIN });
      assert.equal(response.code, ResponseCode.NO_PERMISSION, body);
      assert.equal(response.remark, 'Can not update config in black list.');
    }
    assert.equal(ns.configuration.security.aclEnable, true);
  });
});

describe('requests Java mqadmin signed (03-mqadmin-acl.jsonl), replayed with aclReads=true', () => {
  let ns: AclServer;
  before(async () => {
    ns = await startAclServer({ aclReads: true });
  });
  after(() => ns.stop());

  it('every captured request is accepted; the same requests unsigned are refused', async () => {
    const client = await ns.connect();
    const requests = loadCapture('03-mqadmin-acl.jsonl').filter((f) => f.dir === 'request');
    for (const frame of requests) {
      const request = decodeCommand(frameBytes(frame).subarray(4));
      const answer = await client.invoke(request);
      assert.notEqual(answer.code, ResponseCode.NO_PERMISSION, `seq ${frame.seq}: ${answer.remark}`);
      const { Signature: _s, AccessKey: _a, ...unsigned } = request.extFields!;
      const refused = await client.invoke({ ...request, extFields: unsigned });
      assert.equal(refused.code, ResponseCode.NO_PERMISSION, `seq ${frame.seq} unsigned`);
    }
    assert.equal(ns.configuration.netty.serverWorkerThreads, 9, 'the signed UPDATE_NAMESRV_CONFIG applied');
  });
});

describe('switches and allow-lists', () => {
  it('aclBrokerRequests=false lets unsigned brokers register; admin requests still need a signature', async () => {
    const ns = await startAclServer({ aclBrokerRequests: false });
    try {
      const client = await ns.connect();
      const register = registerRequest({ topics: [topic('T1'), topic('T2')], dataVersion: DATA_VERSION });
      const registered = await send(client, RequestCode.REGISTER_BROKER, register);
      assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? '');
      assert.equal((await send(client, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'broker-a' } })).code, ResponseCode.NO_PERMISSION);
    } finally {
      await ns.stop();
    }
  });

  it('a host on globalWhiteRemoteAddresses passes without a signature', async () => {
    const ns = await startAclServer({ aclReads: true }, 'globalWhiteRemoteAddresses:\n  - 127.0.0.*\n');
    try {
      const client = await ns.connect();
      const put = await send(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K', value: 'V' } });
      assert.equal(put.code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('aclReads=true makes reads need a signature of any account', async () => {
    const ns = await startAclServer({ aclReads: true });
    try {
      const client = await ns.connect();
      const unsigned = await send(client, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
      assert.equal(unsigned.code, ResponseCode.NO_PERMISSION);
      const signed = await send(client, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, { credentials: PLAIN });
      assert.equal(signed.code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });
});

describe('counting refusals', () => {
  it('NameServer tells onAclRefused of each refusal, once', async () => {
    const { Configuration } = await import('../../src/namesrv/config/configuration.js');
    const { NameServer } = await import('../../src/namesrv/nameserver.js');
    const { silentLogger } = await import('../../src/util/logger.js');
    const { ClientConnection } = await import('../../src/remoting/remoting-client.js');
    const { tempDir } = await import('../support/nameserver-harness.js');
    const home = tempDir('namesrv-acl-count-');
    fs.writeFileSync(`${home}/plain_acl.yml`, 'accounts:\n  - {accessKey: RocketMQ, secretKey: "12345678", admin: false}\n');
    const seen: string[] = [];
    const server = new NameServer({
      configuration: new Configuration({
        homeDir: home,
        namesrv: { kvConfigPath: `${home}/kv.json`, configStorePath: `${home}/ns.properties` },
        netty: { listenPort: 0, bindAddress: '127.0.0.1' },
        security: { aclEnable: true, aclFile: `${home}/plain_acl.yml` },
        http: { httpEnable: false },
      }),
      logger: silentLogger(),
      env: {},
      onAclRefused: (refusal, request) => seen.push(`${request.code} ${refusal.reason}`),
    });
    const { port } = await server.start();
    const client = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      const put = { extFields: { namespace: 'NS', key: 'K', value: 'V' } };
      await send(client, RequestCode.PUT_KV_CONFIG, put);
      await send(client, RequestCode.PUT_KV_CONFIG, { ...put, credentials: PLAIN });
      await send(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' } });
      assert.deepEqual(seen, ['100 unsigned', '100 not-admin']);
    } finally {
      client.close();
      await server.shutdown();
    }
  });
});

describe('aclAdminRequiresTls=true', () => {
  let ns: AclServer;
  before(async () => {
    ns = await startAclServer({ aclAdminRequiresTls: true });
  });
  after(() => ns.stop());

  const put = (key: string): SendOptions => ({ extFields: { namespace: 'NS', key, value: 'V' }, credentials: ADMIN });

  it('refuses a well-signed admin request on a plain-text connection, naming the setting, and changes nothing', async () => {
    const plain = await ns.connect();
    const refused = await send(plain, RequestCode.PUT_KV_CONFIG, put('OVER_PLAIN'));
    assert.equal(refused.code, ResponseCode.NO_PERMISSION);
    assert.match(refused.remark ?? '', /PUT_KV_CONFIG is an admin request: it is accepted over TLS only \(aclAdminRequiresTls\)/);
    const read = await send(plain, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'OVER_PLAIN' } });
    assert.equal(read.code, ResponseCode.QUERY_NOT_FOUND, 'reads stay open and see nothing written');
  });

  it('accepts it over TLS, and still wants the signature there', async () => {
    const secure = await ClientConnection.connect({ host: '127.0.0.1', port: ns.port, tls: { rejectUnauthorized: false } });
    try {
      assert.equal((await send(secure, RequestCode.PUT_KV_CONFIG, put('OVER_TLS'))).code, ResponseCode.SUCCESS);
      const unsigned = await send(secure, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'UNSIGNED', value: 'V' } });
      assert.equal(unsigned.code, ResponseCode.NO_PERMISSION);
      assert.equal((await send(secure, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'OVER_TLS' } })).code, ResponseCode.SUCCESS);
    } finally {
      secure.close();
    }
  });
});
