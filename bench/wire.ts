/**
 * The load generator's own view of the remoting protocol, kept lean so that the generator is not
 * the bottleneck: requests are JSON-header frames written from string templates into one buffer
 * per batch, and responses are read only as far as code and opaque (the body is skipped).
 * Frames are what a Java client writes: `int32 length | int32 (serializeType << 24 | headerLength) | header | body`.
 */

export const SUCCESS = 0;

export interface RequestTemplate {
  code: number;
  /** extFields sent with every request. */
  extFields: Record<string, string>;
  /** When set, extFields[topicField] is a random topic from the pool, `${prefix}${0..count-1}`. */
  topicPool?: { field: string; prefix: string; count: number };
  version: number;
}

/** Builds the header text of a request around its opaque and (optionally) pooled topic. */
export class RequestWriter {
  private readonly beforeTopic: string;
  private readonly afterTopic: string;
  private readonly afterOpaque: string;
  private readonly pool: RequestTemplate['topicPool'];

  constructor(template: RequestTemplate) {
    this.pool = template.topicPool;
    const fields = Object.entries(template.extFields);
    if (this.pool) fields.push([this.pool.field, '\u0000']);
    fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const ext = fields.length
      ? `,"extFields":{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`
      : '';
    const head = `{"code":${template.code}${ext},"flag":0,"language":"JAVA","opaque":`;
    const [before, after] = this.pool ? head.split('\\u0000') : [head, ''];
    this.beforeTopic = before;
    this.afterTopic = after;
    this.afterOpaque = `,"serializeTypeCurrentRPC":"JSON","version":${template.version}}`;
  }

  /** Header text for one request; `random` picks the topic. Topic names are ASCII. */
  header(opaque: number, random: () => number): string {
    if (!this.pool) return this.beforeTopic + opaque + this.afterOpaque;
    const topic = this.pool.prefix + Math.floor(random() * this.pool.count);
    return this.beforeTopic + topic + this.afterTopic + opaque + this.afterOpaque;
  }
}

/** Writes many header-only frames into one buffer (one socket write per batch). */
export function framesOf(headers: string[]): Buffer {
  let total = 0;
  for (const h of headers) total += 8 + h.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const h of headers) {
    out.writeInt32BE(4 + h.length, at);
    out.writeInt32BE(h.length, at + 4);
    out.write(h, at + 8, 'latin1');
    at += 8 + h.length;
  }
  return out;
}

const CODE_KEY = Buffer.from('"code":');
const OPAQUE_KEY = Buffer.from('"opaque":');

export interface ResponseHead {
  code: number;
  opaque: number;
  isResponse: boolean;
}

/** Reads code, opaque and the response flag of a frame's content (length prefix removed). */
export function readResponseHead(frame: Buffer): ResponseHead {
  const word = frame.readUInt32BE(0);
  const serializeType = word >>> 24;
  const headerLength = word & 0xffffff;
  if (serializeType === 1) {
    // ROCKETMQ header: code int16, language byte, version int16, opaque int32, flag int32, ...
    return { code: frame.readInt16BE(4), opaque: frame.readInt32BE(9), isResponse: (frame.readInt32BE(13) & 1) === 1 };
  }
  const header = frame.subarray(4, 4 + headerLength);
  // Both fastjson and this project write keys in alphabetical order: "code" is the first key, and
  // a key inside a string value would have its quotes escaped, so these searches cannot mis-hit.
  const flagAt = header.indexOf('"flag":');
  return {
    code: intAfter(header, header.indexOf(CODE_KEY), CODE_KEY.length),
    opaque: intAfter(header, header.indexOf(OPAQUE_KEY), OPAQUE_KEY.length),
    isResponse: flagAt >= 0 && (intAfter(header, flagAt, 7) & 1) === 1,
  };
}

function intAfter(bytes: Buffer, keyAt: number, keyLength: number): number {
  if (keyAt < 0) return -1;
  let i = keyAt + keyLength;
  while (bytes[i] === 0x20 || bytes[i] === 0x22) i++;
  let negative = false;
  if (bytes[i] === 0x2d) {
    negative = true;
    i++;
  }
  let n = 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return negative ? -n : n;
}
