import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type BrokerAddress, type BrokerGroup } from '../api';
import { ErrorNote, LiveStatus, Loading, PageHeader, SortHeader, Tag, type SortState } from '../components/common';
import { count, dataVersion, duration, heartbeatLevel, time } from '../format';
import { usePoll } from '../poll';

const POLL_MS = 3000;

interface Row extends BrokerAddress {
  key: string;
  cluster: string;
  brokerName: string;
  zoneName: string | null;
  topicCount: number;
  enableActingMaster: boolean;
  /** The lowest-id slave of a group without master, that acts as master when acting master is enabled. */
  actingMaster: boolean;
}

type Column = 'cluster' | 'brokerName' | 'brokerId' | 'zoneName' | 'address' | 'dataVersion' | 'topicCount' | 'heartbeatAgeMs';

function rowsOf(groups: BrokerGroup[]): Row[] {
  return groups.flatMap((g) => {
    const hasMaster = g.addresses.some((a) => a.brokerId === 0);
    const minId = Math.min(...g.addresses.map((a) => a.brokerId));
    return g.addresses.map((a) => ({
      ...a,
      key: `${g.cluster}/${g.brokerName}/${a.brokerId}/${a.address}`,
      cluster: g.cluster,
      brokerName: g.brokerName,
      zoneName: g.zoneName,
      topicCount: g.topicCount,
      enableActingMaster: g.enableActingMaster,
      actingMaster: g.enableActingMaster && !hasMaster && a.brokerId === minId,
    }));
  });
}

function sortValue(row: Row, column: Column): string | number {
  if (column === 'dataVersion') return row.dataVersion?.counter ?? -1;
  return row[column] ?? '';
}

function compareRows(a: Row, b: Row, sort: SortState<Column>): number {
  const x = sortValue(a, sort.key);
  const y = sortValue(b, sort.key);
  const order = x < y ? -1 : x > y ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  return sort.descending ? -order : order;
}

interface Departure {
  key: string;
  row: Row;
  at: number;
}

export function BrokersPage() {
  const polled = usePoll(api.brokers, POLL_MS);
  const [filter, setFilter] = useState('');
  const [cluster, setCluster] = useState('');
  const [sort, setSort] = useState<SortState<Column>>({ key: 'cluster', descending: false });
  const [departures, setDepartures] = useState<Departure[]>([]);
  const known = useRef<Map<string, Row> | null>(null);

  const rows = useMemo(() => (polled.data ? rowsOf(polled.data) : []), [polled.data]);

  useEffect(() => {
    if (!polled.data) return;
    const current = new Map(rows.map((r) => [r.key, r]));
    const before = known.current;
    known.current = current;
    if (!before) return;
    const gone = [...before.values()].filter((r) => !current.has(r.key)).map((row) => ({ key: row.key, row, at: Date.now() }));
    const returned = new Set(rows.map((r) => r.key));
    setDepartures((d) => [...gone, ...d.filter((x) => !returned.has(x.key))].slice(0, 8));
  }, [rows]);

  const clusters = useMemo(() => [...new Set(rows.map((r) => r.cluster))].sort(), [rows]);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return rows
      .filter((r) => !cluster || r.cluster === cluster)
      .filter((r) => !needle || [r.cluster, r.brokerName, r.address, r.haServerAddress ?? '', r.zoneName ?? ''].some((v) => v.toLowerCase().includes(needle)))
      .sort((a, b) => compareRows(a, b, sort));
  }, [rows, filter, cluster, sort]);

  const header = (label: string, column: Column, numeric = false) => <SortHeader label={label} column={column} sort={sort} onSort={setSort} numeric={numeric} />;

  return (
    <section>
      <PageHeader title="Brokers" status={<LiveStatus updatedAt={polled.updatedAt} error={polled.error} />}>
        <input type="search" placeholder="Filter by name, address, zone" aria-label="Filter brokers" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <select aria-label="Cluster" value={cluster} onChange={(e) => setCluster(e.currentTarget.value)}>
          <option value="">All clusters</option>
          {clusters.map((c) => (
            <option value={c}>{c}</option>
          ))}
        </select>
      </PageHeader>
      {departures.length > 0 && (
        <ul class="departures" aria-live="polite">
          {departures.map((d) => (
            <li class="note note-warn">
              <strong>{d.row.brokerName}</strong> ({d.row.brokerId === 0 ? 'master' : `slave ${d.row.brokerId}`}) at <code>{d.row.address}</code> left at {time(d.at)}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={polled.data ? null : polled.error} what="Could not read the brokers" />
      {!polled.data ? (
        !polled.error && <Loading />
      ) : rows.length === 0 ? (
        <p class="empty">No broker is registered. Brokers appear here within seconds of registering (broker setting <code>namesrvAddr</code>).</p>
      ) : (
        <>
          <p class="summary muted">
            {shown.length === rows.length ? `${count(rows.length)} broker addresses` : `${count(shown.length)} of ${count(rows.length)} broker addresses`} in{' '}
            {count(new Set(rows.map((r) => r.brokerName)).size)} broker groups
          </p>
          <div class="table-wrap">
            <table class="data brokers">
              <thead>
                <tr>
                  {header('Cluster', 'cluster')}
                  {header('Broker', 'brokerName')}
                  {header('ID', 'brokerId', true)}
                  {header('Zone', 'zoneName')}
                  {header('Address', 'address')}
                  <th>HA address</th>
                  {header('Data version', 'dataVersion', true)}
                  {header('Topics', 'topicCount', true)}
                  {header('Last heartbeat', 'heartbeatAgeMs', true)}
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => {
                  const level = heartbeatLevel(r.heartbeatAgeMs, r.heartbeatTimeoutMs);
                  return (
                    <tr key={r.key} data-broker={r.key}>
                      <td>{r.cluster}</td>
                      <td class="strong">
                        {r.brokerName}{' '}
                        {r.enableActingMaster && (
                          <Tag kind="info" title="acting master enabled: a slave serves as master when the master is gone">
                            AM
                          </Tag>
                        )}
                      </td>
                      <td class="num">
                        {r.brokerId}{' '}
                        {r.actingMaster ? (
                          <Tag kind="warn">acting master</Tag>
                        ) : (
                          <Tag kind={r.brokerId === 0 ? 'ok' : 'muted'}>{r.brokerId === 0 ? 'master' : 'slave'}</Tag>
                        )}
                      </td>
                      <td>{r.zoneName ?? <span class="muted">–</span>}</td>
                      <td>
                        <code title={r.remoteAddress ? `connected from ${r.remoteAddress}` : undefined}>{r.address}</code>
                      </td>
                      <td>{r.haServerAddress ? <code>{r.haServerAddress}</code> : <span class="muted">–</span>}</td>
                      <td class="num" title={r.dataVersion ? `timestamp ${r.dataVersion.timestamp}` : undefined}>
                        {dataVersion(r.dataVersion)}
                      </td>
                      <td class="num">{count(r.topicCount)}</td>
                      <td class="num">
                        <span class={`age age-${level}`} title={`times out after ${duration(r.heartbeatTimeoutMs)} without a heartbeat`}>
                          {duration(r.heartbeatAgeMs)} ago
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
