import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { ClientConnection, type ClientConnectionOptions } from '../../src/remoting/remoting-client.js';
import { V1_TCP4, V2_IPV4_WITH_TLVS, V2_IPV6_WITH_TLVS, V2_LOCAL } from '../fixtures/proxy-headers.js';
import { ADMIN, ELSEWHERE, send, startAclServer, type AclServer } from './acl-harness.js';

/**
 * The PROXY headers of the fixtures claim 192.0.2.10 (v1, v2 IPv4) and 2001:db8::5 (v2 IPv6); both
 * are on globalWhiteRemoteAddresses, so an unsigned admin request passes exactly when the server
 * takes the claimed address.
 */
const ACL = `globalWhiteRemoteAddresses:
  - 192.0.2.*
  - 2001:db8::5
accounts:
  - accessKey: ${ADMIN.accessKey}
    secretKey: ${ADMIN.secretKey}
    admin: true
  - accessKey: ${ELSEWHERE.accessKey}
    secretKey: ${ELSEWHERE.secretKey}
    whiteRemoteAddress: 192.168.0.*
    admin: true
`;

const PUT = { extFields: { namespace: 'NS', key: 'K', value: 'V' } };

/** net.isIPv6 accepts the zone id; turning it into an address threw inside a socket listener and ended the process. */
const ZONE_ID_LINE = Buffer.from('PROXY TCP6 fe80::1%eth0 ::1 1234 9876\r\n', 'latin1');

/** The zone-id line and a route lookup after it close that connection only: another one is still answered. */
async function zoneIdLineClosesOnlyItsConnection(ns: AclServer): Promise<void> {
  const { encodeCommand } = await import('../../src/remoting/command-codec.js');
  const { createRequest } = await import('../../src/remoting/remoting-command.js');
  const lookup = encodeCommand(createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic: 'T' }, version: 479, opaque: 3 }));
  const other = await ns.connect();
  for (const bytes of [ZONE_ID_LINE, Buffer.concat([ZONE_ID_LINE, lookup])]) assert.equal(await closesAfter(ns.port, bytes), true);
  assert.equal((await send(other, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
}

async function putThrough(ns: AclServer, preamble: Buffer | undefined, extra: Partial<ClientConnectionOptions> = {}) {
  const client = await ClientConnection.connect({ host: '127.0.0.1', port: ns.port, preamble, ...extra });
  try {
    return await send(client, RequestCode.PUT_KV_CONFIG, PUT);
  } finally {
    client.close();
  }
}

describe('PROXY protocol from a trusted balancer (proxyProtocolTrustedAddresses=127.0.0.1)', () => {
  let ns: AclServer;
  before(async () => {
    ns = await startAclServer({ proxyProtocolTrustedAddresses: '127.0.0.1' }, ACL);
  });
  after(() => ns.stop());

  it('without a header the peer address counts: refused', async () => {
    assert.equal((await putThrough(ns, undefined)).code, ResponseCode.NO_PERMISSION);
  });

  it('v1: the carried address is the connection\'s address', async () => {
    assert.equal((await putThrough(ns, V1_TCP4)).code, ResponseCode.SUCCESS);
  });

  it('v2 over IPv4 and IPv6, with TLVs', async () => {
    assert.equal((await putThrough(ns, V2_IPV4_WITH_TLVS)).code, ResponseCode.SUCCESS);
    assert.equal((await putThrough(ns, V2_IPV6_WITH_TLVS)).code, ResponseCode.SUCCESS);
  });

  it('v2 LOCAL (a health check) keeps the peer address', async () => {
    assert.equal((await putThrough(ns, V2_LOCAL)).code, ResponseCode.NO_PERMISSION);
  });

  it('an account\'s address check sees the carried address', async () => {
    const claim = (address: string) => Buffer.from(`PROXY TCP4 ${address} 10.0.0.1 40000 9876\r\n`);
    for (const [address, code] of [['192.168.0.7', ResponseCode.SUCCESS], ['198.51.100.1', ResponseCode.NO_PERMISSION]] as const) {
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: ns.port, preamble: claim(address) });
      try {
        const response = await send(client, RequestCode.PUT_KV_CONFIG, { ...PUT, credentials: ELSEWHERE });
        assert.equal(response.code, code, response.remark ?? '');
        if (code !== ResponseCode.SUCCESS) assert.equal(response.remark, `accessKey faraway is not allowed from ${address}`);
      } finally {
        client.close();
      }
    }
  });

  it('a PROXY header followed by TLS', async () => {
    const response = await putThrough(ns, V1_TCP4, { tls: { rejectUnauthorized: false } });
    assert.equal(response.code, ResponseCode.SUCCESS);
  });

  it('a header and a request in one write, and a header split byte by byte', async () => {
    const { encodeCommand } = await import('../../src/remoting/command-codec.js');
    const { createRequest } = await import('../../src/remoting/remoting-command.js');
    const frame = encodeCommand(createRequest({ code: RequestCode.PUT_KV_CONFIG, extFields: PUT.extFields, version: 479, opaque: 7 }));
    const whole: Buffer[] = [Buffer.concat([V2_IPV4_WITH_TLVS, frame])];
    const byteByByte: Buffer[] = [...[...V1_TCP4].map((b) => Buffer.from([b])), frame];
    for (const pieces of [whole, byteByByte]) {
      const answer = await rawExchange(ns.port, pieces);
      const { decodeCommand } = await import('../../src/remoting/command-codec.js');
      assert.equal(decodeCommand(answer.subarray(4)).code, ResponseCode.SUCCESS);
    }
  });

  it('a v1 line whose address has an IPv6 zone id closes that connection only', () => zoneIdLineClosesOnlyItsConnection(ns));

  it('a malformed header closes that connection only', async () => {
    const other = await ns.connect();
    const closed = await closesAfter(ns.port, Buffer.from('PROXY TCP4 not-an-address 10.0.0.1 1 2\r\n'));
    assert.equal(closed, true);
    assert.equal((await send(other, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
  });
});

describe('PROXY protocol from a peer that is not trusted (the default)', () => {
  let ns: AclServer;
  before(async () => {
    ns = await startAclServer({}, ACL);
  });
  after(() => ns.stop());

  it('a v1 line whose address has an IPv6 zone id closes that connection only', () => zoneIdLineClosesOnlyItsConnection(ns));

  it('a client claiming a whitelisted address through its own header is still refused; its connection works', async () => {
    for (const header of [V1_TCP4, V2_IPV4_WITH_TLVS, V2_IPV6_WITH_TLVS]) {
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: ns.port, preamble: header });
      try {
        const refused = await send(client, RequestCode.PUT_KV_CONFIG, PUT);
        assert.equal(refused.code, ResponseCode.NO_PERMISSION);
        assert.equal((await send(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' } })).code, ResponseCode.QUERY_NOT_FOUND);
      } finally {
        client.close();
      }
    }
  });
});

/** Writes the pieces one by one and resolves with the first whole frame the server answers. */
function rawExchange(port: number, pieces: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const piece of pieces) {
        await new Promise<void>((done) => socket.write(piece, () => done()));
      }
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readUInt32BE(0)) {
        socket.destroy();
        resolve(received.subarray(0, 4 + received.readUInt32BE(0)));
      }
    });
    socket.on('close', () => reject(new Error('closed before an answer')));
  });
}

/** Whether the server closes a connection that starts with these bytes. */
function closesAfter(port: number, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('error', () => undefined);
    socket.on('data', () => resolve(false));
    socket.on('close', () => resolve(true));
  });
}
