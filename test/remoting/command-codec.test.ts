import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCommand, encodeCommand } from '../../src/remoting/command-codec.js';
import { FrameError, HeaderDecodeError } from '../../src/remoting/errors.js';
import { SerializeType } from '../../src/remoting/remoting-command.js';
import { CAPTURE_FILES, frameBytes, loadCapture } from '../fixtures/captures.js';

describe('command codec against frames captured from Java 4.9.8', () => {
  for (const file of CAPTURE_FILES) {
    it(`decodes and re-encodes every frame of ${file} byte for byte`, () => {
      for (const frame of loadCapture(file)) {
        const bytes = frameBytes(frame);
        const cmd = decodeCommand(bytes.subarray(4));
        assert.equal(cmd.code, frame.header.code, `seq ${frame.seq}`);
        assert.equal(cmd.opaque, frame.header.opaque);
        assert.equal(cmd.flag, frame.header.flag);
        assert.equal(cmd.version, frame.header.version);
        assert.equal(cmd.language, frame.header.language);
        assert.equal(cmd.serializeType, frame.serializeType);
        assert.equal(cmd.remark, frame.header.remark ?? null);
        if (frame.serializeType === SerializeType.JSON) {
          assert.deepEqual(cmd.extFields, frame.header.extFields ?? null);
        } else {
          const ext = frame.header.extFields ?? {};
          assert.deepEqual(cmd.extFields ?? {}, ext);
        }
        assert.equal(cmd.body?.toString('utf8') ?? '', frame.body ?? '');
        assert.deepEqual(encodeCommand(cmd), bytes, `re-encoding seq ${frame.seq} of ${file}`);
      }
    });
  }
});

describe('command codec on bad input', () => {
  it('rejects a header length larger than the frame', () => {
    const frame = Buffer.from('0000ffff7b7d', 'hex');
    assert.throws(() => decodeCommand(frame), FrameError);
  });

  it('rejects an unknown serialize type', () => {
    const frame = Buffer.from('05000002' + '7b7d', 'hex');
    assert.throws(() => decodeCommand(frame), HeaderDecodeError);
  });

  it('rejects a JSON header that does not parse', () => {
    const text = Buffer.from('{"code":');
    const frame = Buffer.concat([Buffer.from([0, 0, 0, text.length]), text]);
    assert.throws(() => decodeCommand(frame), HeaderDecodeError);
  });

  it('rejects a JSON header without a code', () => {
    const text = Buffer.from('{"opaque":1}');
    const frame = Buffer.concat([Buffer.from([0, 0, 0, text.length]), text]);
    assert.throws(() => decodeCommand(frame), /code/);
  });

  it('rejects a ROCKETMQ header whose remark runs past the header', () => {
    const header = Buffer.alloc(17);
    header.writeInt32BE(1000, 13); // remark length
    const frame = Buffer.concat([Buffer.from([1, 0, 0, header.length]), header]);
    assert.throws(() => decodeCommand(frame), HeaderDecodeError);
  });

  it('reads unquoted integer keys in a JSON header as fastjson writes them', () => {
    const text = Buffer.from('{"code":105,extFields:{topic:"T",0:"x"},"flag":0,"opaque":7}');
    const cmd = decodeCommand(Buffer.concat([Buffer.from([0, 0, 0, text.length]), text]));
    assert.deepEqual(cmd.extFields, { '0': 'x', topic: 'T' });
    assert.equal(cmd.opaque, 7);
  });
});

describe('command parts', () => {
  it('writes a large body as its own buffer, the frame unchanged', async () => {
    const { encodeCommandParts } = await import('../../src/remoting/command-codec.js');
    const { createRequest } = await import('../../src/remoting/remoting-command.js');
    const big = createRequest({ code: 0, body: Buffer.alloc(100_000, 7), opaque: 3 });
    const parts = encodeCommandParts(big);
    assert.equal(parts.length, 2);
    assert.equal(parts[1], big.body, 'the body is not copied');
    assert.deepEqual(Buffer.concat(parts), encodeCommand(big));
    const small = createRequest({ code: 0, body: Buffer.from('x'), opaque: 3 });
    assert.deepEqual(encodeCommandParts(small), [encodeCommand(small)]);
  });
});

describe('headers without extFields and remark', () => {
  it('are written around their opaque as the whole header text is, for any opaque and shape in turn', () => {
    const shapes = [
      { code: 0, flag: 1, language: 'JAVA', version: 409 },
      { code: 17, flag: 1, language: 'JAVA', version: 409 },
      { code: 0, flag: 1, language: 'JAVA', version: 0 },
      { code: 0, flag: 0, language: 'GO-é', version: 317 },
    ];
    const opaques = [0, 7, 9, 10, 99, 100, 123456789, 2147483647, -1, -10, -2147483648, 2.5];
    for (const opaque of opaques) {
      for (const shape of shapes) {
        const body = opaque % 2 === 0 ? Buffer.from('{"x":1}') : null;
        const cmd = { ...shape, opaque, remark: null, extFields: null, serializeType: SerializeType.JSON, body };
        const header = `{"code":${shape.code},"flag":${shape.flag},"language":${JSON.stringify(shape.language)},"opaque":${opaque},"serializeTypeCurrentRPC":"JSON","version":${shape.version}}`;
        const headerBytes = Buffer.from(header, 'utf8');
        const expected = Buffer.alloc(8);
        expected.writeInt32BE(4 + headerBytes.length + (body?.length ?? 0), 0);
        expected.writeUInt32BE(headerBytes.length, 4);
        assert.deepEqual(encodeCommand(cmd), Buffer.concat([expected, headerBytes, body ?? Buffer.alloc(0)]), `${opaque} ${JSON.stringify(shape)}`);
        if (Number.isInteger(opaque)) assert.deepEqual(decodeCommand(encodeCommand(cmd).subarray(4)), { ...cmd });
      }
    }
  });
});
