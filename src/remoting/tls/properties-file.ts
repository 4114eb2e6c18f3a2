import fs from 'node:fs/promises';
import { decodePropertiesBytes, parseProperties } from '../../util/java-properties.js';

/** Reads and parses a properties file (`tls.config.file`); resolves null when it does not exist. */
export async function readPropertiesFile(file: string): Promise<Record<string, string> | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return Object.fromEntries(parseProperties(decodePropertiesBytes(bytes)));
}
