import { MAX_LISTED, type ComparisonLimits } from './limits.js';
import type { BrokerEntry, NameServerView } from './name-server-view.js';
import type { ConsistencyReport, Presence, RouteDifference } from './report.js';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What the next step should ask each reachable NameServer: the routes of topics all of them list (bounded). */
export interface DetailPlan {
  topics: string[];
  topicsNotCompared: number;
}

export function planDetails(views: readonly NameServerView[], limits: ComparisonLimits): DetailPlan {
  const reachable = views.filter((v) => !v.error);
  if (reachable.length === 0) return { topics: [], topicsNotCompared: 0 };
  const [first, ...rest] = reachable;
  const common = [...first!.topics].filter((t) => rest.every((v) => v.topics.has(t))).sort(byText);
  return { topics: common.slice(0, limits.maxRouteTopics), topicsNotCompared: Math.max(0, common.length - limits.maxRouteTopics) };
}

/** Compares what each NameServer said. Pure: the views are read, never changed. */
export function compareViews(views: readonly NameServerView[], plan: DetailPlan, limits: ComparisonLimits, comparedAt: number): ConsistencyReport {
  const reachable = views.filter((v) => !v.error);
  const presence = (has: (v: NameServerView) => boolean): Presence => ({
    presentOn: reachable.filter(has).map((v) => v.address),
    missingFrom: reachable.filter((v) => !has(v)).map((v) => v.address),
  });

  const allBrokers = new Map<string, BrokerEntry>();
  for (const v of reachable) for (const [key, entry] of v.brokers) allBrokers.set(key, entry);
  const brokers = [...allBrokers]
    .sort(([a], [b]) => byText(a, b))
    .map(([key, entry]) => ({ ...entry, ...presence((v) => v.brokers.has(key)) }))
    .filter((b) => b.missingFrom.length > 0);

  const allTopics = new Set<string>();
  for (const v of reachable) for (const t of v.topics) allTopics.add(t);
  const missing = [...allTopics]
    .sort(byText)
    .map((topic) => ({ topic, ...presence((v) => v.topics.has(topic)) }))
    .filter((t) => t.missingFrom.length > 0);

  const differing: RouteDifference[] = [];
  for (const topic of plan.topics) {
    const variants = new Map<string, RouteDifference['variants'][number]>();
    for (const v of reachable) {
      const route = v.routes.get(topic) ?? null;
      const text = JSON.stringify(route);
      const variant = variants.get(text);
      if (variant) variant.nameServers.push(v.address);
      else variants.set(text, { nameServers: [v.address], route });
    }
    if (variants.size > 1) differing.push({ topic, variants: [...variants.values()] });
  }

  const agree =
    reachable.length === views.length && brokers.length === 0 && missing.length === 0 && differing.length === 0;
  return {
    comparedAt,
    agree,
    nameServers: views.map((v) => ({
      address: v.address,
      reachable: !v.error,
      error: v.error,
      clusters: v.clusters,
      brokers: v.brokers.size,
      topics: v.topics.size,
    })),
    brokers,
    topics: { union: allTopics.size, missing: missing.slice(0, MAX_LISTED), missingTotal: missing.length },
    routes: { compared: plan.topics.length, notCompared: plan.topicsNotCompared, differing: differing.slice(0, MAX_LISTED), differingTotal: differing.length },
    limits,
  };
}
