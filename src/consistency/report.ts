import type { CanonicalRoute } from './canonical-route.js';
import type { BrokerEntry } from './name-server-view.js';
import type { ComparisonLimits } from './limits.js';

/** What a comparison of NameServers found; plain JSON, served as is by the HTTP API. */
export interface ConsistencyReport {
  comparedAt: number;
  /** True when every NameServer answered and no difference was found. */
  agree: boolean;
  nameServers: NameServerSummary[];
  /** Broker addresses that some reachable NameServers list and others do not. */
  brokers: (BrokerEntry & Presence)[];
  topics: { union: number; missing: ({ topic: string } & Presence)[]; missingTotal: number };
  routes: { compared: number; notCompared: number; differing: RouteDifference[]; differingTotal: number };
  limits: ComparisonLimits;
}

export interface NameServerSummary {
  address: string;
  reachable: boolean;
  error: string | null;
  clusters: number;
  brokers: number;
  topics: number;
}

export interface Presence {
  presentOn: string[];
  missingFrom: string[];
}

/** One topic whose route is not the same everywhere: each distinct route with the NameServers that hold it. */
export interface RouteDifference {
  topic: string;
  variants: { nameServers: string[]; route: CanonicalRoute | null }[];
}
