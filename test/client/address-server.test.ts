import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { test } from 'node:test';
import { addressServerUrl, fetchNameServerAddresses, AddressServerError } from '../../src/client/namesrv/address-server.js';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { CALL_TIMEOUT_MS, startNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { addressOf, registerFakeBroker } from './helpers.js';

async function startAddressServer(answer: () => { status: number; body: string }) {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const { status, body } = answer();
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    domain: `127.0.0.1:${port}`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('the address server URL follows Java: port 8080 unless the domain has one, sub-group and unit appended', () => {
  assert.equal(addressServerUrl({ domain: 'ns.example.com' }), 'http://ns.example.com:8080/rocketmq/nsaddr');
  assert.equal(addressServerUrl({ domain: 'ns.example.com:80', subgroup: 'nsaddr-b' }), 'http://ns.example.com:80/rocketmq/nsaddr-b');
  assert.equal(addressServerUrl({ domain: 'ns.example.com', unitName: 'u1' }), 'http://ns.example.com:8080/rocketmq/nsaddr-u1?nofix=1');
});

test('only the first line of the answer counts; an error status is an error', async () => {
  let reply = { status: 200, body: ' 10.0.0.1:9876;10.0.0.2:9876\nignored\n' };
  const server = await startAddressServer(() => reply);
  try {
    const url = addressServerUrl({ domain: server.domain });
    assert.deepEqual(await fetchNameServerAddresses(url, CALL_TIMEOUT_MS), ['10.0.0.1:9876', '10.0.0.2:9876']);
    reply = { status: 404, body: 'no' };
    await assert.rejects(fetchNameServerAddresses(url, CALL_TIMEOUT_MS), AddressServerError);
  } finally {
    await server.close();
  }
});

test('a client takes its NameServers from the address server and follows its changes', async () => {
  const first = await startNameServer();
  const second = await startNameServer();
  await registerFakeBroker(first, { brokerName: 'broker-first' });
  await registerFakeBroker(second, { brokerName: 'broker-second' });
  let current = addressOf(first);
  const server = await startAddressServer(() => ({ status: 200, body: current }));
  const client = new NameServerClient({ addressServer: { domain: server.domain, subgroup: 'nsaddr-test', refreshIntervalMs: 30, timeoutMs: CALL_TIMEOUT_MS }, timeoutMs: CALL_TIMEOUT_MS });
  try {
    const before = await client.getClusterInfo();
    assert.ok(before.brokerAddrTable.has('broker-first'));
    assert.equal(server.paths[0], '/rocketmq/nsaddr-test');

    current = addressOf(second);
    await until(() => client.addresses[0] === addressOf(second));
    const after = await client.getClusterInfo();
    assert.ok(after.brokerAddrTable.has('broker-second'));
  } finally {
    await client.close();
    await server.close();
    await first.stop();
    await second.stop();
  }
});
