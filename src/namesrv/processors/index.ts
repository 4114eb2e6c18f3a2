import { brokerProcessors } from './broker-processors.js';
import { clusterProcessors } from './cluster-processors.js';
import { configProcessors } from './config-processors.js';
import type { Processor } from './context.js';
import { kvProcessors } from './kv-processors.js';
import { routeProcessors } from './route-processors.js';
import { topicProcessors } from './topic-processors.js';

/** Every request code the NameServer answers, with its handler. */
export function namesrvProcessors(): Map<number, Processor> {
  return new Map([
    ...kvProcessors,
    ...brokerProcessors,
    ...routeProcessors,
    ...topicProcessors,
    ...clusterProcessors,
    ...configProcessors,
  ]);
}
