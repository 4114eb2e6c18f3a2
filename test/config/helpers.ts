import fs from 'node:fs';
import path from 'node:path';
import { tempDir as madeTempDir } from '../support/temp-dir.js';

/** A fresh folder under the system temp folder, gone when the test file's process exits. */
export function tempDir(prefix = 'namesrv-config-'): string {
  return madeTempDir(prefix);
}

export function writeFile(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
