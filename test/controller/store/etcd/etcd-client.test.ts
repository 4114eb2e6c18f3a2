import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { after, describe, it } from 'node:test';
import { until } from '../../../support/until.js';
import { EtcdClient, EtcdRequestError, EtcdUnreachableError } from '../../../../src/controller/store/etcd/etcd-client.js';

/** A stand-in etcd member: answers each request as `answer` says, and counts what it was asked. */
async function fakeMember(answer: (path: string, response: http.ServerResponse) => void) {
  const asked: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume().on('end', () => {
      asked.push(request.url ?? '');
      answer(request.url ?? '', response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, asked, close };
}

/** A port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const member = await fakeMember(() => undefined);
  await member.close();
  return member.url;
}

/** The garbage collector, run on demand: what a busy heap does at some unlucky moment. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const json = (response: http.ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe('etcd JSON gateway client', () => {
  const members: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const member of members) await member.close();
  });

  it('refuses endpoints that are not URLs of a member, and an empty list', () => {
    assert.throws(() => new EtcdClient({ endpoints: [], requestTimeoutMs: 100 }), /no endpoints/);
    assert.throws(() => new EtcdClient({ endpoints: ['http://host:2379/v3'], requestTimeoutMs: 100 }), /not an endpoint URL/);
    assert.throws(() => new EtcdClient({ endpoints: ['http://[nonsense'], requestTimeoutMs: 100 }), /not an endpoint URL/);
    assert.deepEqual(new EtcdClient({ endpoints: ['127.0.0.1:2379', ' https://etcd:2379/ '], requestTimeoutMs: 100 }).endpointList, ['http://127.0.0.1:2379', 'https://etcd:2379']);
  });

  it('reports etcd\'s refusal with its reason and gRPC code, without asking another member', async () => {
    const first = await fakeMember((_, response) => json(response, 400, { error: 'etcdserver: too many operations in txn request', message: 'etcdserver: too many operations in txn request', code: 3 }));
    const second = await fakeMember((_, response) => json(response, 200, {}));
    members.push(first, second);
    const client = new EtcdClient({ endpoints: [first.url, second.url], requestTimeoutMs: 5000 });
    await assert.rejects(client.txn([], [], [], { idempotent: true }), (err: unknown) => err instanceof EtcdRequestError && err.code === 3 && /too many operations/.test(err.message));
    assert.deepEqual(second.asked, []);
  });

  it('asks the next member when one has no leader, and starts there next time', async () => {
    const first = await fakeMember((_, response) => json(response, 503, { error: 'etcdserver: no leader', message: 'etcdserver: no leader', code: 14 }));
    const second = await fakeMember((_, response) => json(response, 200, { header: { revision: '7' }, kvs: [{ key: Buffer.from('k').toString('base64'), value: Buffer.from('v').toString('base64'), create_revision: '5', mod_revision: '6', lease: '123' }], count: '1' }));
    members.push(first, second);
    const client = new EtcdClient({ endpoints: [first.url, second.url], requestTimeoutMs: 5000 });
    assert.deepEqual(await client.range('k'), { kvs: [{ key: 'k', value: 'v', createRevision: 5, modRevision: 6, lease: '123' }], more: false, revision: 7 });
    await client.range('k');
    assert.deepEqual([first.asked.length, second.asked.length], [1, 2]);
  });

  it('a change a member may have applied is not sent again elsewhere: its outcome is unknown', async () => {
    // Takes the whole request, then fails without a word: it may have applied it.
    const failing = await fakeMember((_, response) => response.socket?.destroy());
    const healthy = await fakeMember((_, response) => json(response, 200, { succeeded: true }));
    members.push(failing, healthy);
    const client = new EtcdClient({ endpoints: [failing.url, healthy.url], requestTimeoutMs: 60_000 });
    await assert.rejects(client.txn([], [{ op: 'put', key: 'k', value: 'v' }], [], { idempotent: false }), (err: unknown) => err instanceof EtcdUnreachableError && err.maybeApplied);
    assert.deepEqual(failing.asked, ['/v3/kv/txn']);
    assert.deepEqual(healthy.asked, []);
    // A read may be asked again: it goes to the member that answers.
    const again = new EtcdClient({ endpoints: [failing.url, healthy.url], requestTimeoutMs: 60_000 });
    await again.keepAlive('1');
    assert.deepEqual(healthy.asked, ['/v3/lease/keepalive']);
  });

  it('a change refused at connect never reached etcd: it goes to the next member', async () => {
    const healthy = await fakeMember((_, response) => json(response, 200, { succeeded: true, responses: [{ response_put: {} }] }));
    members.push(healthy);
    const client = new EtcdClient({ endpoints: [await closedPortUrl(), healthy.url], requestTimeoutMs: 5000 });
    assert.deepEqual(await client.txn([], [{ op: 'put', key: 'k', value: 'v' }], [], { idempotent: false }), { succeeded: true, ranges: [] });
  });

  it('no member reachable: one error naming each member and why', async () => {
    const client = new EtcdClient({ endpoints: [await closedPortUrl(), await closedPortUrl()], requestTimeoutMs: 5000 });
    await assert.rejects(client.range('k'), (err: unknown) => err instanceof EtcdUnreachableError && !err.maybeApplied && (err.message.match(/ECONNREFUSED/g) ?? []).length === 2);
  });

  it('a member that never answers, or stalls mid-body, costs a call its timeout even when the garbage collector runs meanwhile', async () => {
    const silent = await fakeMember(() => undefined);
    // Headers, then part of a streamed body, then nothing: a member paused mid-answer.
    const stalled = await fakeMember((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"result":');
    });
    members.push(silent, stalled);
    const gc = collector();
    const collecting = setInterval(gc, 5);
    try {
      for (const hung of [silent, stalled]) {
        const client = new EtcdClient({ endpoints: [hung.url], requestTimeoutMs: 50 });
        for (let call = 0; call < 3; call++) {
          await assert.rejects(client.keepAlive('1'), (err: unknown) => err instanceof EtcdUnreachableError && /no answer within 50 ms/.test(err.message));
        }
      }
    } finally {
      clearInterval(collecting);
    }
  });

  it('an answer larger than the limit is cut off with a clear error, not gathered whole', async () => {
    const huge = await fakeMember((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"kvs":[],"pad":"${'x'.repeat(4096)}"}`);
    });
    members.push(huge);
    const client = new EtcdClient({ endpoints: [huge.url], requestTimeoutMs: 60_000, maxAnswerBytes: 1024 });
    await assert.rejects(client.range('k'), (err: unknown) => err instanceof EtcdUnreachableError && /answer is larger than 1024 bytes/.test(err.message));
  });

  for (const stale of ['etcdserver: revision of auth store is old', 'etcdserver: user name is empty']) {
    it(`authenticates again once, and sends the call again, when etcd says "${stale}"`, async () => {
      let tokens = 0;
      let refusals = 0;
      const member = await fakeMember((path, response) => {
        if (path === '/v3/auth/authenticate') return json(response, 200, { token: `token-${++tokens}` });
        if (refusals++ === 0) return json(response, 400, { error: stale, message: stale, code: 3 });
        json(response, 200, { header: { revision: '3' }, kvs: [] });
      });
      members.push(member);
      const client = new EtcdClient({ endpoints: [member.url], requestTimeoutMs: 60_000, auth: { user: 'u', password: 'p' } });
      assert.deepEqual(await client.range('k'), { kvs: [], more: false, revision: 3 });
      assert.deepEqual(member.asked, ['/v3/auth/authenticate', '/v3/kv/range', '/v3/auth/authenticate', '/v3/kv/range']);
    });
  }

  it('TLS material that cannot be used stops the client at start, naming the setting', () => {
    const endpoints = ['https://127.0.0.1:2379'];
    assert.throws(() => new EtcdClient({ endpoints, requestTimeoutMs: 100, tls: { ca: 'not a certificate' } }), /controllerEtcdCaFile/);
    assert.throws(() => new EtcdClient({ endpoints, requestTimeoutMs: 100, tls: { cert: 'not a certificate', key: 'not a key' } }), /controllerEtcdCertFile/);
    assert.throws(() => new EtcdClient({ endpoints, requestTimeoutMs: 100, tls: { key: 'not a key' } }), /controllerEtcdKeyFile is given without controllerEtcdCertFile/);
  });

  it('close ends a call in flight at once', async () => {
    const silent = await fakeMember(() => undefined);
    members.push(silent);
    const client = new EtcdClient({ endpoints: [silent.url], requestTimeoutMs: 600_000 });
    const call = client.range('k');
    await until(() => silent.asked.length === 1);
    client.close();
    await assert.rejects(call, (err: unknown) => err instanceof EtcdUnreachableError && /closed/.test(err.message));
  });
});
