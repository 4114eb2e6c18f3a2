import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Credentials } from './signature.js';

/** Where Java's mqadmin looks for its keys: `conf/tools.yml` under ROCKETMQ_HOME. */
export function toolsFilePath(rocketmqHome: string): string {
  return path.join(rocketmqHome, 'conf', 'tools.yml');
}

/**
 * The `accessKey` and `secretKey` of Java's `tools.yml`, as Java's mqadmin reads them; null when
 * the file is missing or either key is blank (Java's mqadmin then sends unsigned requests).
 * Throws when the file exists but is not YAML.
 */
export function readToolsCredentials(file: string): Credentials | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const doc: unknown = parseYaml(text, { schema: 'failsafe' });
  if (typeof doc !== 'object' || doc === null) return null;
  const { accessKey, secretKey } = doc as Record<string, unknown>;
  if (typeof accessKey !== 'string' || typeof secretKey !== 'string') return null;
  if (accessKey.trim() === '' || secretKey.trim() === '') return null;
  return { accessKey: accessKey.trim(), secretKey: secretKey.trim() };
}
