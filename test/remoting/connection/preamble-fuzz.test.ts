import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { encodeCommand } from '../../../src/remoting/command-codec.js';
import { createRequest } from '../../../src/remoting/remoting-command.js';
import { SIG } from '../../fixtures/proxy-headers.js';
import { call, startNameServer, type RunningNameServer } from '../../support/nameserver-harness.js';
import { SeededRandom } from '../../support/seeded-random.js';

/**
 * Random preambles before a real request, as a hostile or broken peer (or balancer) sends them:
 * PROXY v1 lines with odd addresses and ports, v2 headers whose lengths and TLVs lie, TLS-looking
 * bytes, stray text. Whatever each connection gets, the server must stay up and keep answering.
 */
const CASES = 300;
const IN_FLIGHT = 8;

const ADDRESSES = [
  '192.0.2.10', '10.0.0.1', '::1', '2001:db8::5', 'fe80::1%eth0', 'fe80::1%25eth0', '::ffff:192.0.2.1', '::ffff:c000:201',
  '::ffff:1.2.3.4%lo', '0.0.0.0', '255.255.255.255', '1.2.3', '300.1.1.1', '::', 'ffff::1::2', '[::1]', '', 'x'.repeat(60), '1.2.3.4%eth0',
];
const PORTS = ['0', '1', '9876', '65535', '65536', '-1', '01', '99999', '4294967296', 'abc', '', '1e3', ' 80'];
const FAMILIES = ['TCP4', 'TCP6', 'UNKNOWN', 'UDP4', 'tcp4', 'TCP46', ''];

function v1(random: SeededRandom): Buffer {
  const fields = ['PROXY', random.pick(FAMILIES), random.pick(ADDRESSES), random.pick(ADDRESSES), random.pick(PORTS), random.pick(PORTS)];
  if (random.int(5) === 0) fields.splice(random.int(fields.length), 1);
  if (random.int(8) === 0) fields.push(random.pick(PORTS));
  const end = random.pick(['\r\n', '\r\n', '\r\n', '\n', '', '\r\n\r\n']);
  return Buffer.from(fields.join(random.int(10) === 0 ? '  ' : ' ') + end, 'latin1');
}

function v2(random: SeededRandom): Buffer {
  const versionCommand = random.pick([0x20, 0x21, 0x21, 0x21, 0x22, 0x11, 0x2f, random.int(256)]);
  const family = random.pick([0x00, 0x11, 0x11, 0x21, 0x21, 0x31, 0x12, 0x41, random.int(256)]);
  const addressBytes = family >> 4 === 1 ? 12 : family >> 4 === 2 ? 36 : family >> 4 === 3 ? 216 : 0;
  const addresses = random.bytes(random.int(4) === 0 ? random.int(addressBytes + 1) : addressBytes);
  if (family >> 4 === 2 && random.int(3) === 0) Buffer.from('00000000000000000000ffffc0000201', 'hex').copy(addresses, 0); // IPv4-mapped source
  const tlvs: Buffer[] = [];
  for (let i = random.int(4); i > 0; i--) {
    const value = random.bytes(random.int(20));
    const tlv = Buffer.alloc(3 + value.length);
    tlv[0] = random.pick([0x01, 0x02, 0x04, 0x05, 0x20, 0x30, random.int(256)]);
    // A TLV's length may say more or less than its value.
    tlv.writeUInt16BE(random.int(3) === 0 ? random.int(0x10000) : value.length, 1);
    value.copy(tlv, 3);
    tlvs.push(random.int(6) === 0 ? tlv.subarray(0, random.int(tlv.length)) : tlv);
  }
  const block = Buffer.concat([addresses, ...tlvs]);
  const lying = random.pick(['true', 'true', 'short', 'long', 'max']);
  const length = lying === 'short' ? random.int(block.length + 1) : lying === 'long' ? block.length + 1 + random.int(64) : lying === 'max' ? 0xffff : block.length;
  const fixed = Buffer.from(SIG + '00000000', 'hex');
  fixed[12] = versionCommand;
  fixed[13] = family;
  fixed.writeUInt16BE(length, 14);
  const header = Buffer.concat([fixed, block]);
  return random.int(8) === 0 ? header.subarray(0, random.int(header.length)) : header;
}

function tlsLooking(random: SeededRandom): Buffer {
  const record = Buffer.concat([Buffer.from([0x16, random.pick([0x03, 0x02, 0xff]), random.int(5)]), random.bytes(2 + random.int(80))]);
  if (random.int(2) === 0) record.writeUInt16BE(record.length - 5, 3);
  return record;
}

function strayText(random: SeededRandom): Buffer {
  return Buffer.from(
    random.pick([
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
      '\r\n\r\n\r\n',
      'PROXY',
      'PROX',
      'PROXY \r\n',
      '\r\n\r\n\0\r\nQUIT',
      'P'.repeat(200),
      `PROXY TCP4 ${'1'.repeat(110)}\r\n`,
    ]) + (random.int(2) === 0 ? '' : random.bytes(random.int(40)).toString('latin1')),
    'latin1',
  );
}

function preamble(random: SeededRandom): Buffer {
  const kind = random.int(10);
  const first = kind < 4 ? v1(random) : kind < 7 ? v2(random) : kind < 8 ? tlsLooking(random) : kind < 9 ? strayText(random) : random.bytes(random.int(64));
  // Sometimes a header is followed by a second preamble (a PROXY header, then TLS-looking bytes...).
  return random.int(6) === 0 ? Buffer.concat([first, tlsLooking(random)]) : first;
}

/** Sends `bytes` in one to three writes, ends its side, and resolves once the server has closed the connection too. */
function exchange(port: number, bytes: Buffer, random: SeededRandom): Promise<void> {
  const cuts = [random.int(bytes.length + 1), random.int(bytes.length + 1)].sort((a, b) => a - b);
  const pieces = [bytes.subarray(0, cuts[0]), bytes.subarray(cuts[0], cuts[1]), bytes.subarray(cuts[1])].filter((p) => p.length > 0);
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      for (const piece of pieces) socket.write(piece);
      socket.end();
    });
    socket.on('error', () => undefined);
    socket.resume();
    socket.on('close', () => resolve());
  });
}

function lookup(topic: string): Buffer {
  return encodeCommand(createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic }, version: 479, opaque: 1 }));
}

for (const [title, trusted, seed] of [
  ['a trusted balancer', '127.0.0.1', 0x5eed1],
  ['a peer that is not trusted', '', 0x5eed2],
] as const) {
  describe(`random preambles from ${title}, each before a real request`, () => {
    let ns: RunningNameServer;
    before(async () => {
      ns = await startNameServer({ security: { proxyProtocolTrustedAddresses: trusted } });
    });
    after(() => ns.stop());

    it(`${CASES} cases (seed ${seed.toString(16)}): the server stays up and answers a route lookup on another connection throughout`, async () => {
      const random = new SeededRandom(seed);
      const watcher = await ns.connect();
      for (let done = 0; done < CASES; done += IN_FLIGHT) {
        const batch: Promise<void>[] = [];
        for (let i = done; i < Math.min(CASES, done + IN_FLIGHT); i++) batch.push(exchange(ns.port, Buffer.concat([preamble(random), lookup(`Fuzz${i}`)]), random));
        await Promise.all(batch);
        const answer = await call(watcher, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Fuzz' } });
        assert.equal(answer.code, 17, `after case ${done + IN_FLIGHT}: ${answer.remark}`); // TOPIC_NOT_EXIST
      }
    });
  });
}
