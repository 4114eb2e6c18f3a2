export { createEtcdStore, DEFAULT_ETCD_PREFIX, DEFAULT_LEASE_TTL_SECONDS, type EtcdStoreOptions, type Timers } from './etcd-store.js';
