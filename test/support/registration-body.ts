import assert from 'node:assert/strict';
import type { TablePartSink } from '../../src/namesrv/processors/register-body-scanner.js';
import type { DataVersion } from '../../src/protocol/route-types.js';
import {
  TOPIC_ROW_FIELDS,
  isArriving,
  isTableEnd,
  nameReader,
  type DecodedRegistration,
  type RegistrationBody,
  type TopicRows,
} from '../../src/namesrv/route/topic-rows.js';

/** A decoded body whole: one arriving in parts is read to its end, its parts and rest put together. */
export async function wholeBody(decoding: RegistrationBody | Promise<RegistrationBody>): Promise<DecodedRegistration & { parts: number }> {
  const body = await decoding;
  if (!isArriving(body)) return { ...body, parts: 0 };
  const parts: TopicRows[] = [];
  for (;;) {
    const next = body.parts.next();
    if (next instanceof Promise) {
      await next;
      continue;
    }
    if (!isTableEnd(next)) {
      parts.push(next);
      continue;
    }
    // A rest as large as the table holds every row again (the decoder read the body afresh).
    const all = next.rest.size === next.size ? [next.rest] : [...parts, next.rest];
    return {
      dataVersion: body.dataVersion,
      topics: joinRows(all),
      mappings: next.mappings,
      filterServerList: next.filterServerList,
      parts: parts.length,
    };
  }
}

function joinRows(parts: TopicRows[]): TopicRows {
  const names: string[] = [];
  const numbers = new Int32Array(parts.reduce((n, p) => n + p.size, 0) * TOPIC_ROW_FIELDS);
  for (const part of parts) {
    const nameOf = nameReader(part.names);
    numbers.set(part.numbers.subarray(0, part.size * TOPIC_ROW_FIELDS), names.length * TOPIC_ROW_FIELDS);
    for (let i = 0; i < part.size; i++) names.push(nameOf(i));
  }
  return { size: names.length, names, numbers, keys: null };
}

/** A sink that keeps the parts a scanner gives, each checked to come with `dataVersion`. */
export function partCollector(dataVersion: DataVersion, partTopics: number): { parts: TopicRows[]; sink: TablePartSink } {
  const parts: TopicRows[] = [];
  const sink: TablePartSink = { partTopics, part: (version, rows) => (assert.deepEqual(version, dataVersion), parts.push(rows)) };
  return { parts, sink };
}
