import { constants as zlibConstants, deflateSync, inflateSync } from 'node:zlib';
import { fastjsonString } from '../../json/fastjson-writer.js';
import { MQVersion } from '../mq-version.js';
import type { DataVersion, RegisterBrokerBody, TopicConfig, TopicQueueMappingInfo } from '../route-types.js';
import { BodyDecodeError } from '../request-error.js';
import { parseBodyText, stringArray } from './body-json.js';
import { dataVersionJson, readDataVersion } from './data-version.js';
import { readTopicConfigLine, topicConfigLine, topicConfigLineV4 } from './topic-config.js';
import { readTopicQueueMappingInfo, topicQueueMappingInfoJson } from './topic-queue-mapping-info.js';

/**
 * The compressed REGISTER_BROKER body of Java's `RegisterBrokerBody.encode(true)`: a zlib stream
 * (Deflater BEST_COMPRESSION) of big-endian int32-length-prefixed records:
 *
 *   len + DataVersion JSON
 *   topic count, then per topic: len + `TopicConfig.encode()` line
 *   len + filterServerList JSON array
 *   (5.x brokers) mapping count, then per mapping: len + TopicQueueMappingInfo JSON
 *
 * Java reads the mapping section only from brokers of version >= 5.0.0; here it is read when
 * present, so bodies from 4.9.x brokers (which end after the filter server list) decode as well.
 */

/** Inflated bodies larger than this are refused by `decodeCompressedRegisterBrokerBody` (a 20,000-topic body inflates to about 0.7 MB). */
const MAX_INFLATED_REGISTER_BODY = 64 * 1024 * 1024;

const WHAT = 'compressed RegisterBrokerBody';

/**
 * Written in the form of a broker of `brokerVersion`: below 5.0.0, five fields a topic line and
 * nothing after the filter server list, as a 4.9.x broker writes it (a 4.9.x NameServer takes a
 * topic line of exactly five fields, so it refuses the 5.x form).
 */
export function encodeCompressedRegisterBrokerBody(body: RegisterBrokerBody, brokerVersion: number = MQVersion.V5_3_3): Buffer {
  const v5 = brokerVersion >= MQVersion.V5_0_0;
  const wrapper = body.topicConfigSerializeWrapper;
  const chunks: Buffer[] = [];
  const record = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    chunks.push(int32(bytes.length), bytes);
  };
  record(dataVersionJson(wrapper.dataVersion));
  chunks.push(int32(wrapper.topicConfigTable.size));
  for (const config of wrapper.topicConfigTable.values()) record(v5 ? topicConfigLine(config) : topicConfigLineV4(config));
  record('[' + (body.filterServerList ?? []).map(fastjsonString).join(',') + ']');
  if (v5) {
    const mappings = wrapper.topicQueueMappingInfoMap ?? new Map<string, TopicQueueMappingInfo>();
    chunks.push(int32(mappings.size));
    for (const info of mappings.values()) record(topicQueueMappingInfoJson(info, 'default'));
  }
  return deflateSync(Buffer.concat(chunks), { level: zlibConstants.Z_BEST_COMPRESSION });
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

/**
 * Inflates on the calling thread: for clients and tools. The server inflates off its event loop,
 * with its configured limits (src/namesrv/processors/register-body-inflater.ts), and then decodes
 * the records with `decodeRegisterBrokerRecords`.
 */
export function decodeCompressedRegisterBrokerBody(bytes: Buffer): RegisterBrokerBody {
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new BodyDecodeError(`${WHAT}: empty body`);
  let data: Buffer;
  try {
    data = inflateSync(bytes, { maxOutputLength: MAX_INFLATED_REGISTER_BODY });
  } catch (err) {
    throw doesNotInflate(err);
  }
  return decodeRegisterBrokerRecords(data);
}

/** The error for a compressed body zlib refuses. */
export function doesNotInflate(err: unknown): BodyDecodeError {
  return new BodyDecodeError(`${WHAT}: does not inflate (${(err as Error).message})`);
}

/** Decodes the records of an inflated compressed body. */
export function decodeRegisterBrokerRecords(data: Buffer): RegisterBrokerBody {
  const reader = new RecordReader(data);

  const dataVersion = readRecordsDataVersion(reader);

  const topicCount = reader.count('topic config');
  const topicConfigTable = new Map<string, TopicConfig>();
  for (let i = 0; i < topicCount; i++) {
    const config = readTopicConfigLine(reader.text(`topic config #${i}`), WHAT);
    topicConfigTable.set(config.topicName, config);
  }

  let filterServerList: string[] = [];
  try {
    filterServerList = stringArray(parseBodyText(reader.text('filterServerList'), WHAT), 'filterServerList', WHAT);
  } catch (err) {
    // Java logs and registers with an empty list when the list itself does not parse.
    if (reader.truncated) throw err;
  }

  const body: RegisterBrokerBody = {
    topicConfigSerializeWrapper: { dataVersion, topicConfigTable },
    filterServerList,
  };
  if (reader.remaining > 0) {
    const mappingCount = reader.count('topic queue mapping');
    const infoMap = new Map<string, TopicQueueMappingInfo>();
    for (let i = 0; i < mappingCount; i++) {
      const path = `topicQueueMappingInfo #${i}`;
      const info = readTopicQueueMappingInfo(parseBodyText(reader.text(path), WHAT), path, WHAT);
      if (typeof info.topic !== 'string') throw new BodyDecodeError(`${WHAT}: ${path} has no topic`);
      infoMap.set(info.topic, info);
    }
    body.topicConfigSerializeWrapper.topicQueueMappingInfoMap = infoMap;
  }
  return body;
}

/** The data version the records start with, read as `decodeRegisterBrokerRecords` reads it (BodyDecodeError when it would refuse it). */
export function registerRecordsDataVersion(data: Buffer): DataVersion {
  return readRecordsDataVersion(new RecordReader(data));
}

function readRecordsDataVersion(reader: RecordReader): DataVersion {
  return readDataVersion(parseBodyText(reader.text('DataVersion'), WHAT), 'dataVersion', WHAT);
}

/** Length-prefixed records over an inflated buffer; every length is checked before use. */
class RecordReader {
  private pos = 0;
  truncated = false;

  constructor(private readonly data: Buffer) {}

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private int(what: string): number {
    if (this.remaining < 4) this.fail(`ends before the length of ${what}`);
    const n = this.data.readInt32BE(this.pos);
    this.pos += 4;
    return n;
  }

  /** A record count; each record needs at least its 4-byte length, which bounds the count. */
  count(what: string): number {
    const n = this.int(`the ${what} count`);
    if (n < 0 || n * 4 > this.remaining) this.fail(`has an impossible ${what} count ${n}`);
    return n;
  }

  text(what: string): string {
    const length = this.int(what);
    if (length < 0 || length > this.remaining) this.fail(`has an impossible length ${length} for ${what}`);
    const text = this.data.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return text;
  }

  private fail(message: string): never {
    this.truncated = true;
    throw new BodyDecodeError(`${WHAT}: ${message}`);
  }
}
