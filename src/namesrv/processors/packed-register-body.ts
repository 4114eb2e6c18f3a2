import { packNames, type DecodedRegistration, type PackedNames, type TopicRows } from '../route/topic-rows.js';

/**
 * A decoded register body as it crosses from the decoding worker to the main thread: its topics
 * as TopicRows with their names packed, so that the message is two transferred buffers instead
 * of 20,000 structured-cloned objects or strings, and the registry applies them without
 * rebuilding any.
 */
export function packTopicNames(decoded: DecodedRegistration): DecodedRegistration {
  const { topics } = decoded;
  if (!Array.isArray(topics.names)) return decoded;
  return { ...decoded, topics: { ...topics, names: packNames(topics.names as readonly string[]) } };
}

/** What to transfer rather than copy when posting `decoded`. */
export function transferablesOf(decoded: DecodedRegistration): ArrayBuffer[] {
  return rowTransferables(decoded.topics);
}

/** What to transfer rather than copy when posting `rows` (their names packed, or not). */
export function rowTransferables(rows: TopicRows): ArrayBuffer[] {
  const { names, numbers } = rows;
  const buffers = [numbers.buffer as ArrayBuffer];
  if (Array.isArray(names)) return buffers;
  const { bytes, ends, hashes } = names as PackedNames;
  buffers.push(bytes.buffer as ArrayBuffer, ends.buffer as ArrayBuffer);
  if (hashes) buffers.push(hashes.buffer as ArrayBuffer);
  return buffers;
}
