import fs from 'node:fs';
import { MQVersion, SERVER_VERSION } from './protocol/mq-version.js';

/** This package's version, from its package.json (two folders up from the compiled file). */
export const PACKAGE_VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The RocketMQ version the NameServer answers as, by Java's name (`V5_3_3`). */
export const ROCKETMQ_VERSION_NAME: string =
  Object.entries(MQVersion).find(([, code]) => code === SERVER_VERSION)?.[0] ?? String(SERVER_VERSION);
