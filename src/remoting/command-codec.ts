import { FrameError, HeaderDecodeError } from './errors.js';
import { decodeJsonHeader, headerAroundOpaque, jsonHeaderText } from './json-header.js';
import { SerializeType, type RemotingCommand } from './remoting-command.js';
import { decodeRocketMqHeader, encodeRocketMqHeader } from './rocketmq-header.js';

/**
 * Decodes a frame's content (the bytes after the 4-byte length prefix): the header-length word
 * (high byte = serialize type, low 24 bits = header length), the header, the body.
 */
export function decodeCommand(frame: Buffer): RemotingCommand {
  if (frame.length < 4) throw new FrameError(`frame of ${frame.length} bytes has no header-length word`);
  const word = frame.readUInt32BE(0);
  const serializeType = word >>> 24;
  const headerLength = word & 0xffffff;
  if (headerLength > frame.length - 4) {
    throw new FrameError(`header length ${headerLength} is larger than the frame's ${frame.length - 4} remaining bytes`);
  }
  const headerBytes = frame.subarray(4, 4 + headerLength);
  let header;
  if (serializeType === SerializeType.JSON) header = decodeJsonHeader(headerBytes);
  else if (serializeType === SerializeType.ROCKETMQ) header = decodeRocketMqHeader(headerBytes);
  else throw new HeaderDecodeError(`unknown serialize type ${serializeType}`);
  const bodyStart = 4 + headerLength;
  return {
    code: header.code,
    language: header.language,
    version: header.version,
    opaque: header.opaque,
    flag: header.flag,
    remark: header.remark,
    extFields: header.extFields,
    serializeType,
    body: frame.length > bodyStart ? frame.subarray(bodyStart) : null,
  };
}

/** Bodies at least this large are written after their header rather than copied behind it. */
const SEPARATE_BODY_BYTES = 1024;

/**
 * A frame as the buffers to write: the length prefix and header, then (for a large body) the
 * body itself, so that a cached answer of hundreds of kilobytes is not copied for every request.
 */
export function encodeCommandParts(cmd: RemotingCommand): [Buffer] | [Buffer, Buffer] {
  const body = cmd.body;
  if (!body || body.length < SEPARATE_BODY_BYTES) return [encodeCommand(cmd)];
  const head = encodeCommand({ ...cmd, body: null });
  head.writeInt32BE(head.readInt32BE(0) + body.length, 0);
  return [head, body];
}

/** Encodes a whole frame, length prefix included. */
export function encodeCommand(cmd: RemotingCommand): Buffer {
  if (cmd.serializeType !== SerializeType.ROCKETMQ) return encodeJsonCommand(cmd);
  const header = encodeRocketMqHeader(cmd);
  const bodyLength = cmd.body?.length ?? 0;
  const frame = Buffer.allocUnsafe(8 + header.length + bodyLength);
  frame.writeInt32BE(4 + header.length + bodyLength, 0);
  frame.writeUInt32BE(((cmd.serializeType & 0xff) << 24 | header.length) >>> 0, 4);
  header.copy(frame, 8);
  if (cmd.body) cmd.body.copy(frame, 8 + header.length);
  return frame;
}

/** The JSON header is written straight into the frame: no intermediate buffer. */
function encodeJsonCommand(cmd: RemotingCommand): Buffer {
  if (cmd.extFields == null && cmd.remark == null && Number.isInteger(cmd.opaque)) return encodePlainJsonCommand(cmd);
  const text = jsonHeaderText(cmd);
  const headerLength = Buffer.byteLength(text, 'utf8');
  const bodyLength = cmd.body?.length ?? 0;
  const frame = Buffer.allocUnsafe(8 + headerLength + bodyLength);
  frame.writeInt32BE(4 + headerLength + bodyLength, 0);
  frame.writeUInt32BE(headerLength, 4);
  frame.write(text, 8, 'utf8');
  if (cmd.body) cmd.body.copy(frame, 8 + headerLength);
  return frame;
}

/** A JSON header without extFields and remark: its shape's bytes around the opaque's digits. */
function encodePlainJsonCommand(cmd: RemotingCommand): Buffer {
  const { before, after } = headerAroundOpaque(cmd);
  const opaque = cmd.opaque;
  const digits = decimalLength(opaque);
  const headerLength = before.length + digits + after.length;
  const bodyLength = cmd.body?.length ?? 0;
  const frame = Buffer.allocUnsafe(8 + headerLength + bodyLength);
  frame.writeInt32BE(4 + headerLength + bodyLength, 0);
  frame.writeUInt32BE(headerLength, 4);
  let at = 8 + before.length;
  frame.set(before, 8);
  writeDecimal(frame, at, digits, opaque);
  at += digits;
  frame.set(after, at);
  if (cmd.body) frame.set(cmd.body, at + after.length);
  return frame;
}

/** Characters of an integer's decimal form, sign included. */
function decimalLength(value: number): number {
  let n = value < 0 ? -value : value;
  let length = value < 0 ? 2 : 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    length++;
  }
  return length;
}

/** Writes `value`'s decimal form, `length` characters (decimalLength), at `at`. */
function writeDecimal(out: Buffer, at: number, length: number, value: number): void {
  let n = value < 0 ? -value : value;
  for (let i = at + length - 1; i > at; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  out[at] = value < 0 ? 0x2d : 0x30 + n;
}
