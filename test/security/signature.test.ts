import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCommand, encodeCommand } from '../../src/remoting/command-codec.js';
import { createRequest, SerializeType } from '../../src/remoting/remoting-command.js';
import { computeSignature, hasValidSignature, signedContent, signRequest } from '../../src/security/signature.js';
import { frameBytes, loadCapture } from '../fixtures/captures.js';

/** The key in the `tools.yml` Java's mqadmin used for 03-mqadmin-acl.jsonl (accessKey rocketmq2). */
const SECRET = '12345678';
const signedFrames = loadCapture('03-mqadmin-acl.jsonl').filter((f) => f.dir === 'request');

describe('signatures as Java AclClientRPCHook makes them', () => {
  it('signed content: values in the order of their names, Signature left out, then the body', () => {
    const request = createRequest({
      code: 100,
      extFields: { namespace: 'NS', Signature: 'x', AccessKey: 'rocketmq2', value: 'V', key: 'K' },
      body: Buffer.from([0xc3, 0xbc, 0x01]),
    });
    // AccessKey < key < namespace < value (upper case sorts first, as in a Java TreeMap)
    assert.deepEqual(signedContent(request), Buffer.concat([Buffer.from('rocketmq2KNSV'), Buffer.from([0xc3, 0xbc, 0x01])]));
  });

  it('HMAC-SHA1 in Base64, pinned by the bytes Java mqadmin sent', () => {
    // 03-mqadmin-acl.jsonl seq 1: GET_ROUTEINFO_BY_TOPIC {topic: TBW102} signed as rocketmq2
    assert.equal(computeSignature(Buffer.from('rocketmq2TBW102'), SECRET), '/u5P/wZUbhjanu4LM/UzEdo2u2I=');
    // seq 22: UPDATE_NAMESRV_CONFIG with body serverWorkerThreads=9\n
    assert.equal(computeSignature(Buffer.from('rocketmq2serverWorkerThreads=9\n'), SECRET), 'dpfKGnJMsXyHh6CoZbPOfs5mR5c=');
  });

  it('every request Java mqadmin signed is accepted with its secret, and refused with another', () => {
    assert.ok(signedFrames.length >= 10);
    for (const frame of signedFrames) {
      const request = decodeCommand(frameBytes(frame).subarray(4));
      assert.ok(hasValidSignature(request, SECRET), `seq ${frame.seq} code ${request.code}`);
      assert.equal(hasValidSignature(request, '12345679'), false, `seq ${frame.seq} with another key`);
    }
  });

  it('signing the same fields reproduces Java mqadmin\'s Signature exactly', () => {
    for (const frame of signedFrames) {
      const captured = decodeCommand(frameBytes(frame).subarray(4));
      const { Signature: javaSignature, AccessKey: _ak, ...header } = captured.extFields!;
      const ours = signRequest(createRequest({ code: captured.code, extFields: header, body: captured.body, version: captured.version }), {
        accessKey: 'rocketmq2',
        secretKey: SECRET,
      });
      assert.equal(ours.extFields!.Signature, javaSignature, `seq ${frame.seq}`);
    }
  });

  it('a signed request survives either header encoding', () => {
    const request = signRequest(createRequest({ code: 100, extFields: { namespace: 'NS', key: 'K', value: 'ü 中' }, version: 479 }), {
      accessKey: 'rocketmq2',
      secretKey: SECRET,
      securityToken: 'token',
    });
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const decoded = decodeCommand(encodeCommand({ ...request, serializeType }).subarray(4));
      assert.ok(hasValidSignature(decoded, SECRET));
    }
  });

  it('a changed field, a changed body or a missing Signature fails', () => {
    const signed = signRequest(createRequest({ code: 318, body: 'a=1\n' }), { accessKey: 'rocketmq2', secretKey: SECRET });
    assert.ok(hasValidSignature(signed, SECRET));
    assert.equal(hasValidSignature({ ...signed, body: Buffer.from('a=2\n') }, SECRET), false);
    assert.equal(hasValidSignature({ ...signed, extFields: { ...signed.extFields, AccessKey: 'rocketmq3' } }, SECRET), false);
    const { Signature: _s, ...unsigned } = signed.extFields!;
    assert.equal(hasValidSignature({ ...signed, extFields: unsigned }, SECRET), false);
    assert.equal(hasValidSignature({ ...signed, extFields: { ...signed.extFields, Signature: 'short' } }, SECRET), false);
  });
});
