import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProxyHeader, ProxyHeaderError, type ProxyHeader } from '../../src/remoting/proxy-protocol/index.js';
import { parseTrustedProxies, TrustedProxiesError } from '../../src/remoting/proxy-protocol/index.js';
import { SIG, V1_TCP4, V2_IPV4_WITH_TLVS, V2_IPV6_WITH_TLVS, V2_LOCAL } from '../fixtures/proxy-headers.js';


function header(bytes: Buffer): ProxyHeader {
  const parsed = parseProxyHeader(bytes);
  assert.equal(parsed.state, 'header');
  return (parsed as { header: ProxyHeader }).header;
}

describe('PROXY protocol headers', () => {
  it('v1 TCP4, TCP6 and UNKNOWN', () => {
    assert.deepEqual(header(Buffer.concat([V1_TCP4, Buffer.from([0, 0, 0, 9])])), {
      version: 1,
      length: V1_TCP4.length,
      source: { address: '192.0.2.10', port: 40000 },
      destination: { address: '10.0.0.1', port: 9876 },
      tlvs: [],
    });
    const v6 = header(Buffer.from('PROXY TCP6 2001:DB8:0:0::5 2001:db8::1 40001 9876\r\n'));
    assert.deepEqual(v6.source, { address: '2001:db8::5', port: 40001 });
    const mapped = header(Buffer.from('PROXY TCP6 ::ffff:c000:20a ::1 40001 9876\r\n'));
    assert.deepEqual(mapped.source, { address: '::ffff:192.0.2.10', port: 40001 }, 'IPv4-mapped, written as Node writes peers');
    const unknown = header(Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'));
    assert.equal(unknown.source, null);
  });

  it('v2 IPv4 with TLVs', () => {
    assert.deepEqual(header(V2_IPV4_WITH_TLVS), {
      version: 2,
      length: 16 + 31,
      source: { address: '192.0.2.10', port: 40000 },
      destination: { address: '10.0.0.1', port: 9876 },
      tlvs: [
        { type: 0x02, value: Buffer.from('ns.example') },
        { type: 0x05, value: Buffer.from([1, 2, 3]) },
      ],
    });
  });

  it('v2 IPv6 with a TLV, and LOCAL without an address', () => {
    const v6 = header(V2_IPV6_WITH_TLVS);
    assert.equal(v6.length, 16 + 41);
    assert.deepEqual(v6.source, { address: '2001:db8::5', port: 40001 });
    assert.deepEqual(v6.destination, { address: '2001:db8::1', port: 9876 });
    assert.deepEqual(v6.tlvs, [{ type: 4, value: Buffer.from([0xab, 0xcd]) }]);
    const local = header(V2_LOCAL);
    assert.equal(local.source, null);
    assert.equal(local.length, 16);
  });

  it('every shorter prefix of a header needs more bytes', () => {
    for (const full of [V1_TCP4, V2_IPV4_WITH_TLVS, V2_IPV6_WITH_TLVS]) {
      for (let n = 1; n < full.length; n++) assert.equal(parseProxyHeader(full.subarray(0, n)).state, 'incomplete', `${n} bytes`);
    }
  });

  it('remoting frames and TLS records are not headers', () => {
    assert.equal(parseProxyHeader(Buffer.from('000000c7000000c37b', 'hex')).state, 'none');
    assert.equal(parseProxyHeader(Buffer.from('160301', 'hex')).state, 'none');
    assert.equal(parseProxyHeader(Buffer.from('PROXZ')).state, 'none');
    assert.equal(parseProxyHeader(Buffer.from(SIG.slice(0, 10) + 'ff', 'hex')).state, 'none');
  });

  it('malformed headers are errors', () => {
    const bad = [
      Buffer.from('PROXY TCP4 192.0.2.10 10.0.0.1 40000\r\n'),
      Buffer.from('PROXY TCP4 300.0.2.10 10.0.0.1 40000 9876\r\n'),
      Buffer.from('PROXY TCP4 2001:db8::5 10.0.0.1 40000 9876\r\n'),
      Buffer.from('PROXY TCP4 192.0.2.10 10.0.0.1 70000 9876\r\n'),
      Buffer.from('PROXY UDP4 192.0.2.10 10.0.0.1 40000 9876\r\n'),
      Buffer.from('PROXY TCP6 fe80::1%eth0 ::1 1234 9876\r\n'), // a zone id: an interface of the balancer's host
      Buffer.from('PROXY TCP6 ::1 fe80::1%25eth0 1234 9876\r\n'),
      Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`),
      Buffer.from(SIG + '11' + '11' + '000c' + '00'.repeat(12), 'hex'), // version 1 in a v2 header
      Buffer.from(SIG + '22' + '11' + '000c' + '00'.repeat(12), 'hex'), // command 2
      Buffer.from(SIG + '21' + '41' + '0000', 'hex'), // family 4
      Buffer.from(SIG + '21' + '21' + '000c' + '00'.repeat(12), 'hex'), // IPv6 in 12 bytes
      Buffer.from(SIG + '21' + '11' + '000f' + '00'.repeat(12) + '020009', 'hex'), // TLV longer than the header
      Buffer.from(SIG + '21' + '11' + '000e' + '00'.repeat(12) + '0200', 'hex'), // TLV cut short
    ];
    for (const bytes of bad) assert.throws(() => parseProxyHeader(bytes), ProxyHeaderError, bytes.toString('latin1'));
  });
});

describe('trusted proxies', () => {
  it('addresses and networks, IPv4-mapped peers included; nothing trusted by default', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8; 192.168.1.10,fd00::/8');
    assert.ok(trusted.trusts('10.2.3.4'));
    assert.ok(trusted.trusts('::ffff:10.2.3.4'));
    assert.ok(trusted.trusts('192.168.1.10'));
    assert.ok(trusted.trusts('fd00::1'));
    assert.equal(trusted.trusts('192.168.1.11'), false);
    assert.equal(parseTrustedProxies('').trusts('127.0.0.1'), false);
    for (const bad of ['10.0.0.0/33', 'balancer.example', '10.0.0.1/8/1', '*']) assert.throws(() => parseTrustedProxies(bad), TrustedProxiesError, bad);
  });
});
