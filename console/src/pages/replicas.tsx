import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type BrokerSetState, type ControllerState, type ReplicaState } from '../api';
import { Card, ErrorNote, LiveStatus, Loading, PageHeader, Tag } from '../components/common';
import { count, duration, heartbeatLevel, time } from '../format';
import { usePoll } from '../poll';

const POLL_MS = 3000;

type Running = Extract<ControllerState, { enabled: true }>;

interface MasterChange {
  key: string;
  set: BrokerSetState;
  was: number | null;
  at: number;
}

const setKey = (s: BrokerSetState) => `${s.cluster}/${s.brokerName}`;

/** Broker sets whose master changed between two polls, newest first. */
function useMasterChanges(sets: BrokerSetState[] | null): MasterChange[] {
  const known = useRef<Map<string, number | null> | null>(null);
  const [changes, setChanges] = useState<MasterChange[]>([]);
  useEffect(() => {
    if (!sets) return;
    const before = known.current;
    known.current = new Map(sets.map((s) => [setKey(s), s.masterBrokerId]));
    if (!before) return;
    const changed = sets
      .filter((s) => before.has(setKey(s)) && before.get(setKey(s)) !== s.masterBrokerId)
      .map((set) => ({ key: setKey(set), set, was: before.get(setKey(set)) ?? null, at: Date.now() }));
    if (changed.length > 0) setChanges((c) => [...changed, ...c].slice(0, 8));
  }, [sets]);
  return changes;
}

function roleTag(c: Running) {
  if (c.role === 'leader') return <Tag kind={c.deciding ? 'ok' : 'warn'}>{c.deciding ? 'leader' : 'leader, loading'}</Tag>;
  return <Tag kind={c.role === 'follower' ? 'info' : 'late'}>{c.role}</Tag>;
}

/** Why this node shows no broker sets, when it does not decide. */
function RoleNote(props: { c: Running }) {
  const { c } = props;
  if (c.deciding) return null;
  if (c.role === 'unavailable') {
    return (
      <p class="note note-error" role="status">
        The controller store is unavailable ({c.reason}): nothing is decided until it is reachable again.
      </p>
    );
  }
  if (c.role === 'leader') return <p class="note note-warn" role="status">This controller has just become leader: it is reading the durable state.</p>;
  return (
    <p class="note note-warn" role="status">
      This controller is a follower. Only the leader hears the brokers' heartbeats: its NameServer's console shows the broker sets.
    </p>
  );
}

function Off() {
  return (
    <div class="empty">
      <p>
        <strong>The controller is off on this NameServer.</strong>
      </p>
      <p>
        To run it here, start the NameServer with <code>enableControllerInNamesrv=true</code> and the controller's settings (<code>controllerDLegerPeers</code>,{' '}
        <code>controllerDLegerSelfId</code>, …) in its <code>-c</code> file, as <code>docs/controller.md</code> explains.
      </p>
    </div>
  );
}

function ReplicaRow(props: { set: BrokerSetState; replica: ReplicaState; first: boolean }) {
  const { set, replica: r, first } = props;
  const master = r.brokerId === set.masterBrokerId;
  const rows = set.replicas.length;
  return (
    <tr class={r.alive ? undefined : 'down'} data-replica={`${setKey(set)}/${r.brokerId}`}>
      {first && (
        <>
          <td rowSpan={rows}>{set.cluster}</td>
          <th scope="rowgroup" rowSpan={rows} class="strong">
            {set.brokerName} {set.masterBrokerId === null && <Tag kind="late">no master</Tag>}
          </th>
          <td rowSpan={rows} class="num">
            {set.masterEpoch}
          </td>
          <td rowSpan={rows} class="num">
            {set.syncStateSetEpoch}
          </td>
        </>
      )}
      <td class="num">{r.brokerId}</td>
      <td>
        <code>{r.address}</code>
      </td>
      <td>
        <Tag kind={master ? 'ok' : 'muted'}>{master ? 'master' : 'slave'}</Tag>
      </td>
      <td>{r.inSync ? <Tag kind="ok">in sync</Tag> : <Tag kind="warn" title="not in the sync state set: not a candidate in a clean election">out of sync</Tag>}</td>
      <td>{r.alive ? <Tag kind="ok">alive</Tag> : <Tag kind="late" title="no heartbeat within its timeout">not alive</Tag>}</td>
      <td class="num">
        {r.heartbeatAgeMs === null ? (
          <span class="muted">none</span>
        ) : (
          <span class={`age age-${heartbeatLevel(r.heartbeatAgeMs, r.heartbeatTimeoutMs ?? 0)}`} title={`times out after ${duration(r.heartbeatTimeoutMs ?? 0)} without a heartbeat`}>
            {duration(r.heartbeatAgeMs)} ago
          </span>
        )}
      </td>
      <td class="num">{r.maxOffset ?? <span class="muted">–</span>}</td>
    </tr>
  );
}

function BrokerSets(props: { sets: BrokerSetState[]; controller: string; filter: string }) {
  const needle = props.filter.trim().toLowerCase();
  const shown = useMemo(
    () => props.sets.filter((s) => !needle || [s.cluster, s.brokerName, ...s.replicas.map((r) => r.address)].some((v) => v.toLowerCase().includes(needle))),
    [props.sets, needle],
  );
  if (props.sets.length === 0) {
    return (
      <p class="empty">
        No broker set has registered. Brokers started with <code>enableControllerMode=true</code> and <code>controllerAddr={props.controller}</code> appear here.
      </p>
    );
  }
  const replicas = props.sets.flatMap((s) => s.replicas);
  const noMaster = props.sets.filter((s) => s.masterBrokerId === null).length;
  const down = replicas.filter((r) => !r.alive).length;
  const outOfSync = replicas.filter((r) => !r.inSync).length;
  return (
    <>
      <p class="summary muted">
        {shown.length === props.sets.length ? `${count(props.sets.length)} broker sets` : `${count(shown.length)} of ${count(props.sets.length)} broker sets`},{' '}
        {count(replicas.length)} replicas · {count(noMaster)} without master · {count(down)} not alive · {count(outOfSync)} out of sync
      </p>
      <div class="table-wrap">
        <table class="data replicas">
          <thead>
            <tr>
              <th>Cluster</th>
              <th>Broker</th>
              <th class="num">Master epoch</th>
              <th class="num">
                <abbr title="sync state set epoch">SSS epoch</abbr>
              </th>
              <th class="num">ID</th>
              <th>Address</th>
              <th>Role</th>
              <th>In sync</th>
              <th>Alive</th>
              <th class="num">Last heartbeat</th>
              <th class="num">Max offset</th>
            </tr>
          </thead>
          {shown.map((set) => (
            <tbody key={setKey(set)} data-set={setKey(set)}>
              {set.replicas.map((r, i) => (
                <ReplicaRow key={r.brokerId} set={set} replica={r} first={i === 0} />
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </>
  );
}

export function ReplicasPage() {
  const polled = usePoll(api.controller, POLL_MS);
  const c = polled.data?.enabled ? polled.data : null;
  const changes = useMasterChanges(c?.brokerSets ?? null);
  const [filter, setFilter] = useState('');
  return (
    <section>
      <PageHeader title="Replicas" status={<LiveStatus updatedAt={polled.updatedAt} error={polled.error} />}>
        {c?.brokerSets && c.brokerSets.length > 0 && (
          <input type="search" placeholder="Filter by cluster, broker, address" aria-label="Filter broker sets" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        )}
      </PageHeader>
      <ErrorNote error={polled.data ? null : polled.error} what="Could not read the controller" />
      {!polled.data ? (
        !polled.error && <Loading />
      ) : !c ? (
        <Off />
      ) : (
        <>
          <div class="cards">
            <Card label="This controller">
              <code>{c.address}</code> {roleTag(c)}
            </Card>
            <Card label="Leader">{c.leaderAddress ? <code>{c.leaderAddress}</code> : <span class="muted">none</span>}</Card>
            <Card label="Store">{c.store}</Card>
            <Card label="Broker sets">{c.brokerSets ? count(c.brokerSets.length) : '–'}</Card>
          </div>
          <RoleNote c={c} />
          {changes.length > 0 && (
            <ul class="departures" aria-live="polite">
              {changes.map((m) => (
                <li class="note note-warn" key={`${m.key}@${m.at}`}>
                  <strong>{m.set.brokerName}</strong> ({m.set.cluster}):{' '}
                  {m.set.masterBrokerId === null ? (
                    'no master'
                  ) : (
                    <>
                      new master {m.set.masterBrokerId} at <code>{m.set.masterAddress}</code>
                    </>
                  )}
                  {m.was !== null && `, was ${m.was}`}, master epoch {m.set.masterEpoch}, seen at {time(m.at)}
                </li>
              ))}
            </ul>
          )}
          {c.brokerSets && <BrokerSets sets={c.brokerSets} controller={c.address} filter={filter} />}
        </>
      )}
    </section>
  );
}
