import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Stats } from '../api';
import { Card, ErrorNote, LiveStatus, Loading, PageHeader } from '../components/common';
import { Sparkline } from '../components/sparkline';
import { count, dateTime, duration } from '../format';
import { usePoll } from '../poll';

const STATS_INTERVAL_MS = 5000;
/** Ten minutes of samples. */
const HISTORY = 120;

interface Sample {
  requestsPerSecond: number;
  lookupMs: number;
}

/** Rates between two polls of the server's counters. */
function sampleBetween(prev: Stats, next: Stats): Sample | null {
  const seconds = (next.timestamp - prev.timestamp) / 1000;
  if (seconds <= 0 || next.requestsTotal < prev.requestsTotal) return null; // a restart reset the counters
  const lookups = next.routeLookupsTotal - prev.routeLookupsTotal;
  return {
    requestsPerSecond: (next.requestsTotal - prev.requestsTotal) / seconds,
    lookupMs: lookups > 0 ? ((next.routeLookupSecondsSum - prev.routeLookupSecondsSum) / lookups) * 1000 : 0,
  };
}

export function OverviewPage() {
  const overview = usePoll(api.overview, 5000);
  const stats = usePoll(api.stats, STATS_INTERVAL_MS);
  const previous = useRef<Stats | null>(null);
  const [samples, setSamples] = useState<Sample[]>([]);

  useEffect(() => {
    const next = stats.data;
    if (!next) return;
    const prev = previous.current;
    previous.current = next;
    const sample = prev ? sampleBetween(prev, next) : null;
    if (sample) setSamples((s) => [...s.slice(-(HISTORY - 1)), sample]);
  }, [stats.data]);

  const o = overview.data;
  return (
    <section>
      <PageHeader title="Overview" status={<LiveStatus updatedAt={overview.updatedAt} error={overview.error} />} />
      <ErrorNote error={overview.data ? null : overview.error} what="Could not read the overview" />
      {!o ? (
        !overview.error && <Loading />
      ) : (
        <>
          <div class="cards">
            <Card label="Version">
              {o.version} <span class="muted">({o.rocketmqVersion})</span>
            </Card>
            <Card label="Uptime">
              <span title={`started ${dateTime(o.startedAt)}`}>{duration(o.uptimeMs)}</span>
            </Card>
            <Card label="Remoting">
              <code>
                {o.remoting.address}:{o.remoting.port}
              </code>
            </Card>
            <Card label="HTTP">
              <code>
                {o.http.address}:{o.http.port}
              </code>
            </Card>
            <Card label="TLS mode">{o.tlsMode}</Card>
          </div>
          <div class="cards">
            <Card label="Clusters">{count(o.counts.clusters)}</Card>
            <Card label="Broker groups">{count(o.counts.brokerNames)}</Card>
            <Card label="Live brokers">
              <a href="#/brokers">{count(o.counts.brokers)}</a>
            </Card>
            <Card label="Topics">
              <a href="#/topics">{count(o.counts.topics)}</a>
            </Card>
            <Card label="Open connections">{stats.data ? count(stats.data.connectionsOpen) : '–'}</Card>
          </div>
        </>
      )}
      <ErrorNote error={stats.error} what="Could not read the request counters" />
      <div class="charts">
        <Sparkline label="Requests" unit="req/s" intervalMs={STATS_INTERVAL_MS} values={samples.map((s) => s.requestsPerSecond)} />
        <Sparkline label="Route lookup, mean" unit="ms" digits={3} intervalMs={STATS_INTERVAL_MS} values={samples.map((s) => s.lookupMs)} />
      </div>
    </section>
  );
}
