import type { DataVersion } from '../route-types.js';
import { expectObject, integerField, parseBody } from './body-json.js';

/**
 * DataVersion as Java 5.x writes it: `{"counter":N,"stateVersion":N,"timestamp":N}` (properties in
 * alphabetical order; `counter` is an AtomicLong, written as a number). 4.x peers leave out
 * `stateVersion`; it reads as 0.
 */
export function dataVersionJson(v: DataVersion): string {
  return `{"counter":${v.counter},"stateVersion":${v.stateVersion},"timestamp":${v.timestamp}}`;
}

export function encodeDataVersion(v: DataVersion): Buffer {
  return Buffer.from(dataVersionJson(v), 'utf8');
}

export function readDataVersion(value: unknown, path: string, what: string): DataVersion {
  const obj = expectObject(value, path, what);
  return {
    stateVersion: integerField(obj.stateVersion, `${path}.stateVersion`, what, 0),
    timestamp: integerField(obj.timestamp, `${path}.timestamp`, what, 0),
    counter: integerField(obj.counter, `${path}.counter`, what, 0),
  };
}

export function decodeDataVersion(bytes: Buffer): DataVersion {
  const what = 'DataVersion body';
  return readDataVersion(parseBody(bytes, what), '(root)', what);
}
