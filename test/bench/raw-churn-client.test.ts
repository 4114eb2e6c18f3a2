import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { askOnceRaw, rawClientAvailable } from '../../bench/raw-churn-client.js';
import { framesOf, RequestWriter } from '../../bench/wire.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const TIMEOUT_MS = 60_000;

function routeLookup(topic: string): Buffer {
  const writer = new RequestWriter({ code: 105, extFields: { topic }, version: 399 });
  return framesOf([writer.header(1, () => 0)]);
}

describe('the churn scenario client on the bare TCP handle', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer();
  });
  after(async () => {
    await ns.stop();
  });

  it('is available on this Node for IP addresses, and not for host names', () => {
    assert.equal(rawClientAvailable('127.0.0.1'), true);
    assert.equal(rawClientAvailable('localhost'), false);
  });

  it('connects, asks once, and gives the answer code and its size', async () => {
    const answer = await askOnceRaw('127.0.0.1', ns.port, routeLookup('NoSuchTopic'), TIMEOUT_MS);
    assert.equal(answer.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.ok(answer.bytes > 8);
    await ns.idle();
  });

  it('fails when the server closes before answering', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await assert.rejects(askOnceRaw('127.0.0.1', port, routeLookup('T'), TIMEOUT_MS), /closed before the answer|write failed/);
    } finally {
      server.close();
    }
  });

  it('fails when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(askOnceRaw('127.0.0.1', port, routeLookup('T'), TIMEOUT_MS), /connect to 127\.0\.0\.1:\d+ failed/);
  });
});
