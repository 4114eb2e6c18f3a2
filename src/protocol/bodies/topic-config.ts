import { fastjsonString, jsonStringKey } from '../../json/fastjson-writer.js';
import type { TopicConfig } from '../route-types.js';
import { parseBodyText, booleanField, expectObject, integerField, optionalString, stringMap, type JsonObject } from './body-json.js';
import { defaultHashMapOrder } from './java-map-order.js';
import { BodyDecodeError } from '../request-error.js';

const DEFAULT_FILTER_TYPE = 'SINGLE_TAG';
const FILTER_TYPES = new Set(['SINGLE_TAG', 'MULTI_TAG']);

/**
 * Java `TopicConfig` as plain fastjson writes it: attributes (5.x, a HashMap), order, perm,
 * readQueueNums, topicFilterType, topicName, topicSysFlag, writeQueueNums.
 */
export function topicConfigJson(t: TopicConfig): string {
  let out = '{';
  if (t.attributes != null) out += '"attributes":' + attributesJson(t.attributes) + ',';
  out += '"order":' + (t.order === true ? 'true' : 'false');
  out += ',"perm":' + t.perm + ',"readQueueNums":' + t.readQueueNums;
  out += ',"topicFilterType":' + fastjsonString(t.topicFilterType ?? DEFAULT_FILTER_TYPE);
  if (t.topicName != null) out += ',"topicName":' + fastjsonString(t.topicName);
  return out + ',"topicSysFlag":' + t.topicSysFlag + ',"writeQueueNums":' + t.writeQueueNums + '}';
}

/** A `HashMap<String, String>` in Java's iteration order. */
export function attributesJson(attributes: Record<string, string>): string {
  const parts: string[] = [];
  for (const key of defaultHashMapOrder(Object.keys(attributes))) {
    const value = attributes[key];
    if (value == null) continue;
    parts.push(jsonStringKey(key, 'default') + fastjsonString(value));
  }
  return '{' + parts.join(',') + '}';
}

/** Reads one topicConfigTable entry; the table key stands in for a missing topicName. */
export function readTopicConfig(value: unknown, key: string, pathOf: () => string, what: string): TopicConfig {
  // A 20,000-topic registration walks this 20,000 times: well-formed entries take the short way.
  const plain = asPlainTopicConfig(value, key);
  if (plain) return plain;
  const path = pathOf();
  const obj: JsonObject = expectObject(value, path, what);
  const config: TopicConfig = {
    topicName: optionalString(obj.topicName, `${path}.topicName`, what) ?? key,
    readQueueNums: intField(obj.readQueueNums, `${path}.readQueueNums`, what, 16),
    writeQueueNums: intField(obj.writeQueueNums, `${path}.writeQueueNums`, what, 16),
    perm: intField(obj.perm, `${path}.perm`, what, 6),
    topicFilterType: optionalString(obj.topicFilterType, `${path}.topicFilterType`, what) ?? DEFAULT_FILTER_TYPE,
    topicSysFlag: intField(obj.topicSysFlag, `${path}.topicSysFlag`, what, 0),
    order: booleanField(obj.order, `${path}.order`, what, false),
  };
  if (obj.attributes != null) {
    config.attributes = Object.fromEntries(stringMap(obj.attributes, `${path}.attributes`, what));
  }
  return config;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/**
 * A Java `int` field of TopicConfig: a number beyond int is refused, as the register body scanner
 * and the compressed form's reader (parseJavaInt) refuse it, rather than reaching the registry's
 * Int32Array rows, which would wrap it.
 */
function intField(value: unknown, path: string, what: string, fallback: number): number {
  const n = integerField(value, path, what, fallback);
  if (!isInt(n)) throw new BodyDecodeError(`${what}: ${path} is not an int: ${JSON.stringify(String(value).slice(0, 40))}`);
  return n;
}

function asPlainTopicConfig(value: unknown, key: string): TopicConfig | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as JsonObject;
  const { topicName, readQueueNums, writeQueueNums, perm, topicFilterType, topicSysFlag, order, attributes } = v;
  if (!isInt(readQueueNums) || !isInt(writeQueueNums) || !isInt(perm) || !isInt(topicSysFlag)) return null;
  if ((topicName != null && typeof topicName !== 'string') || (topicFilterType != null && typeof topicFilterType !== 'string')) return null;
  if (order != null && typeof order !== 'boolean') return null;
  if (attributes != null && (typeof attributes !== 'object' || Array.isArray(attributes))) return null;
  const config: TopicConfig = {
    topicName: (topicName as string | undefined) ?? key,
    readQueueNums,
    writeQueueNums,
    perm,
    topicFilterType: (topicFilterType as string | undefined) ?? DEFAULT_FILTER_TYPE,
    topicSysFlag,
    order: (order as boolean | undefined) ?? false,
  };
  if (attributes != null) {
    const attrs = attributes as JsonObject;
    for (const k in attrs) if (typeof attrs[k] !== 'string') return null;
    config.attributes = attrs as Record<string, string>;
  }
  return config;
}

/**
 * The line Java's `TopicConfig.encode()` writes into compressed register bodies:
 * `name read write perm filterType {attributes}`. topicSysFlag and order are not carried.
 */
export function topicConfigLine(t: TopicConfig): string {
  return topicConfigLineV4(t) + ' ' + attributesJson(t.attributes ?? {});
}

/** A 4.9.x broker's `TopicConfig.encode()` line: the same five fields, no attributes. */
export function topicConfigLineV4(t: TopicConfig): string {
  return `${t.topicName} ${t.readQueueNums} ${t.writeQueueNums} ${t.perm} ${t.topicFilterType ?? DEFAULT_FILTER_TYPE}`;
}

const JAVA_INT = /^[+-]?\d{1,10}$/;

function parseJavaInt(text: string, field: string, what: string): number {
  const n = JAVA_INT.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) {
    throw new BodyDecodeError(`${what}: ${field} is not an int: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return n;
}

/**
 * Reads a `TopicConfig.encode()` line. Like Java, attributes that do not parse are dropped rather
 * than failing the registration.
 */
export function readTopicConfigLine(line: string, what: string): TopicConfig {
  const fields = line.split(' ');
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop(); // as Java's String.split
  if (fields.length < 5) throw new BodyDecodeError(`${what}: topic config entry has ${fields.length} fields, expected 5 or more`);
  const [name, read, write, perm, filterType] = fields as [string, string, string, string, string];
  if (name === '') throw new BodyDecodeError(`${what}: topic config entry has an empty topic name`);
  if (!FILTER_TYPES.has(filterType)) {
    throw new BodyDecodeError(`${what}: topic ${name} has an unknown topicFilterType ${JSON.stringify(filterType.slice(0, 40))}`);
  }
  const config: TopicConfig = {
    topicName: name,
    readQueueNums: parseJavaInt(read, `readQueueNums of ${name}`, what),
    writeQueueNums: parseJavaInt(write, `writeQueueNums of ${name}`, what),
    perm: parseJavaInt(perm, `perm of ${name}`, what),
    topicFilterType: filterType,
    topicSysFlag: 0,
    order: false,
    attributes: {},
  };
  if (fields.length > 5) {
    try {
      const attrs = parseBodyText(fields.slice(5).join(' '), what);
      config.attributes = Object.fromEntries(stringMap(attrs, 'attributes', what));
    } catch {
      // Java keeps its default (empty) attributes when they do not parse.
    }
  }
  return config;
}
