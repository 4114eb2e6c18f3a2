import { HeaderDecodeError } from './errors.js';
import type { HeaderFields } from './json-header.js';
import { LANGUAGE_CODES, type ExtFields } from './remoting-command.js';

/**
 * The ROCKETMQ binary header: code i16, language u8, version i16, opaque i32, flag i32,
 * remark (i32 length + UTF-8), extFields (i32 length + entries of i16 key length, key,
 * i32 value length, value). A zero-length remark or extFields block decodes as null.
 */
const FIXED_PART = 2 + 1 + 2 + 4 + 4;

export function encodeRocketMqHeader(cmd: HeaderFields): Buffer {
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : null;
  const entries: Array<[Buffer, Buffer]> = [];
  let extLength = 0;
  if (cmd.extFields) {
    for (const key in cmd.extFields) {
      const value = cmd.extFields[key];
      if (value == null) continue;
      const k = Buffer.from(key, 'utf8');
      const v = Buffer.from(value, 'utf8');
      entries.push([k, v]);
      extLength += 2 + k.length + 4 + v.length;
    }
  }
  const out = Buffer.allocUnsafe(FIXED_PART + 4 + (remark?.length ?? 0) + 4 + extLength);
  let pos = out.writeInt16BE((cmd.code << 16) >> 16, 0);
  pos = out.writeUInt8(languageIndex(cmd.language), pos);
  pos = out.writeInt16BE((cmd.version << 16) >> 16, pos);
  pos = out.writeInt32BE(cmd.opaque | 0, pos);
  pos = out.writeInt32BE(cmd.flag | 0, pos);
  pos = out.writeInt32BE(remark?.length ?? 0, pos);
  if (remark) pos += remark.copy(out, pos);
  pos = out.writeInt32BE(extLength, pos);
  for (const [k, v] of entries) {
    pos = out.writeUInt16BE(k.length, pos);
    pos += k.copy(out, pos);
    pos = out.writeInt32BE(v.length, pos);
    pos += v.copy(out, pos);
  }
  return out;
}

export function decodeRocketMqHeader(bytes: Buffer): HeaderFields {
  const reader = new BoundedReader(bytes);
  const code = reader.int16();
  const languageByte = reader.uint8();
  const version = reader.int16();
  const opaque = reader.int32();
  const flag = reader.int32();
  const remarkLength = reader.int32();
  const remark = remarkLength === 0 ? null : reader.utf8(remarkLength, 'remark');
  const extLength = reader.int32();
  let extFields: ExtFields | null = null;
  if (extLength !== 0) {
    const end = reader.position + reader.checkLength(extLength, 'extFields');
    extFields = {};
    while (reader.position < end) {
      const key = reader.utf8(reader.uint16(), 'extFields key');
      const value = reader.utf8(reader.int32(), 'extFields value');
      extFields[key] = value;
    }
    if (reader.position !== end) throw new HeaderDecodeError('extFields entries overrun their declared length');
  }
  return {
    code,
    language: LANGUAGE_CODES[languageByte] ?? 'OTHER',
    version,
    opaque,
    flag,
    remark,
    extFields,
  };
}

function languageIndex(language: string): number {
  const index = (LANGUAGE_CODES as readonly string[]).indexOf(language);
  return index < 0 ? LANGUAGE_CODES.indexOf('OTHER') : index;
}

class BoundedReader {
  position = 0;

  constructor(private readonly bytes: Buffer) {}

  int16(): number {
    this.need(2, 'a 16-bit field');
    const v = this.bytes.readInt16BE(this.position);
    this.position += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'a 16-bit field');
    const v = this.bytes.readUInt16BE(this.position);
    this.position += 2;
    return v;
  }

  uint8(): number {
    this.need(1, 'the language byte');
    return this.bytes.readUInt8(this.position++);
  }

  int32(): number {
    this.need(4, 'a 32-bit field');
    const v = this.bytes.readInt32BE(this.position);
    this.position += 4;
    return v;
  }

  utf8(length: number, what: string): string {
    this.checkLength(length, what);
    const s = this.bytes.toString('utf8', this.position, this.position + length);
    this.position += length;
    return s;
  }

  checkLength(length: number, what: string): number {
    if (length < 0 || length > this.bytes.length - this.position) {
      throw new HeaderDecodeError(`ROCKETMQ header: ${what} length ${length} runs past the header's ${this.bytes.length} bytes`);
    }
    return length;
  }

  private need(n: number, what: string): void {
    if (this.bytes.length - this.position < n) throw new HeaderDecodeError(`ROCKETMQ header is truncated before ${what}`);
  }
}
