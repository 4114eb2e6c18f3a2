import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type CanonicalRoute, type ConsistencyReport } from '../api';
import { ErrorNote, PageHeader, Tag } from '../components/common';
import { count, permWords, time } from '../format';

const STORAGE_KEY = 'console.nameServers';

function splitAddresses(text: string): string[] {
  return [...new Set(text.split(/[;,\s]+/).map((a) => a.trim()).filter(Boolean))];
}

function Presence(props: { present: boolean }) {
  return props.present ? <Tag kind="ok">present</Tag> : <Tag kind="late">missing</Tag>;
}

/** One broker's part of a route, as text that compares across NameServers. */
function queueLine(route: CanonicalRoute, brokerName: string): string | null {
  const q = route.queues.find((x) => x.brokerName === brokerName);
  const b = route.brokers.find((x) => x.brokerName === brokerName);
  if (!q && !b) return null;
  return JSON.stringify([q, b?.addrs]);
}

function RouteCell(props: { route: CanonicalRoute | null; others: (CanonicalRoute | null)[] }) {
  const r = props.route;
  if (!r) return <Tag kind="late">no route</Tag>;
  // A broker's line is marked when another NameServer has it otherwise, or not at all.
  const differs = (brokerName: string) => props.others.some((o) => !o || queueLine(o, brokerName) !== queueLine(r, brokerName));
  return (
    <ul class="plain route-lines">
      {r.queues.map((q) => {
        const broker = r.brokers.find((b) => b.brokerName === q.brokerName);
        return (
          <li class={differs(q.brokerName) ? 'differs' : undefined}>
            <strong>{q.brokerName}</strong> · {q.readQueueNums} read / {q.writeQueueNums} write queues · {permWords(q.perm)}
            {broker && (
              <div class="muted">
                {broker.addrs.map(([id, addr], i) => (
                  <>
                    {i > 0 && ', '}
                    <code>{addr}</code> {id === 0 ? '(master)' : `(slave ${id})`}
                  </>
                ))}
              </div>
            )}
          </li>
        );
      })}
      {r.orderTopicConf && <li>order config <code>{r.orderTopicConf}</code></li>}
      {r.staticMapping && <li>static mapping on {r.staticMapping.map(([name]) => name).join(', ')}</li>}
    </ul>
  );
}

/** One kind of difference: a row per item, a column per NameServer that answered. */
function DiffSection<T>(props: {
  title: string;
  section: string;
  firstHeading: string;
  servers: string[];
  heading: (server: string) => ComponentChildren;
  rows: T[];
  first: (row: T) => ComponentChildren;
  cell: (row: T, server: string) => ComponentChildren;
  footer?: ComponentChildren;
}) {
  return (
    <div class="block">
      <h2>{props.title}</h2>
      <div class="table-wrap">
        <table class="data compare" data-section={props.section}>
          <thead>
            <tr>
              <th>{props.firstHeading}</th>
              {props.servers.map((s) => (
                <th>{props.heading(s)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr>
                {props.first(row)}
                {props.servers.map((s) => (
                  <td>{props.cell(row, s)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.footer}
    </div>
  );
}

function Report(props: { report: ConsistencyReport; self: string | null }) {
  const { report } = props;
  const Address = (p: { address: string }) => (
    <>
      <code>{p.address}</code>
      {p.address === props.self && <span class="muted"> (this one)</span>}
    </>
  );
  const servers = report.nameServers.map((ns) => ns.address);
  const reachable = report.nameServers.filter((ns) => ns.reachable).map((ns) => ns.address);
  const differences = report.brokers.length + report.topics.missingTotal + report.routes.differingTotal;
  const unreachable = servers.length - reachable.length;
  return (
    <>
      <p class={`verdict ${report.agree ? 'verdict-ok' : 'verdict-bad'}`} role="status">
        {report.agree
          ? `The ${servers.length} NameServers agree.`
          : `The NameServers disagree: ${differences} difference${differences === 1 ? '' : 's'}${unreachable ? `, ${unreachable} unreachable` : ''}.`}
        <span class="muted"> Compared at {time(report.comparedAt)}.</span>
      </p>
      <div class="table-wrap">
        <table class="data compare">
          <thead>
            <tr>
              <th />
              {servers.map((s) => (
                <th>
                  <Address address={s} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <td class="strong">Status</td>
              {report.nameServers.map((ns) => (
                <td>{ns.reachable ? <Tag kind="ok">answered</Tag> : <Tag kind="late" title={ns.error ?? ''}>unreachable: {ns.error}</Tag>}</td>
              ))}
            </tr>
            {(['clusters', 'brokers', 'topics'] as const).map((k) => (
              <tr>
                <td class="strong">{k === 'brokers' ? 'Broker addresses' : k === 'clusters' ? 'Clusters' : 'Topics'}</td>
                {report.nameServers.map((ns) => (
                  <td>{ns.reachable ? count(ns[k]) : '–'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {report.brokers.length > 0 && (
        <DiffSection
          title={`Brokers not on every NameServer (${report.brokers.length})`}
          section="brokers"
          firstHeading="Broker"
          servers={reachable}
          heading={(s) => <Address address={s} />}
          rows={report.brokers}
          first={(b) => (
            <td>
              <strong>{b.brokerName}</strong> <span class="muted">{b.cluster}</span> · id {b.brokerId} · <code>{b.address}</code>
            </td>
          )}
          cell={(b, s) => <Presence present={b.presentOn.includes(s)} />}
        />
      )}

      {report.topics.missingTotal > 0 && (
        <DiffSection
          title={`Topics not on every NameServer (${count(report.topics.missingTotal)})`}
          section="topics"
          firstHeading="Topic"
          servers={reachable}
          heading={(s) => <Address address={s} />}
          rows={report.topics.missing}
          first={(t) => <td class="strong">{t.topic}</td>}
          cell={(t, s) => <Presence present={t.presentOn.includes(s)} />}
          footer={report.topics.missingTotal > report.topics.missing.length && <p class="muted">Showing the first {report.topics.missing.length}.</p>}
        />
      )}

      {report.routes.differingTotal > 0 && (
        <DiffSection
          title={`Routes that differ (${report.routes.differingTotal})`}
          section="routes"
          firstHeading="Topic"
          servers={reachable}
          heading={(s) => <Address address={s} />}
          rows={report.routes.differing}
          first={(d) => (
            <td class="strong">
              <a href={`#/topics/${encodeURIComponent(d.topic)}`}>{d.topic}</a>
            </td>
          )}
          cell={(d, s) => {
            const mine = d.variants.find((v) => v.nameServers.includes(s));
            return <RouteCell route={mine?.route ?? null} others={d.variants.filter((v) => v !== mine).map((v) => v.route)} />;
          }}
        />
      )}

      <p class="muted footnote">
        Routes compared for {count(report.routes.compared)} topics listed by every NameServer
        {report.routes.notCompared > 0 ? ` (${count(report.routes.notCompared)} more not compared: at most ${report.limits.maxRouteTopics} per run)` : ''}; at most{' '}
        {report.limits.concurrency} requests in flight per NameServer, {report.limits.timeoutMs / 1000} s timeout. Asking a NameServer for a broker's data version
        refreshes that broker's last-update time there, so comparisons run when asked, not on a timer.
      </p>
    </>
  );
}

/** Compares this NameServer with others over the remoting protocol (the same report as `mqadmin nsDiff`). */
export function NameServersPage() {
  const [text, setText] = useState<string | null>(null);
  const [report, setReport] = useState<ConsistencyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const [self, setSelf] = useState<string | null>(null);

  useEffect(() => {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved) setText(saved);
    api
      .nameServers()
      .then((list) => {
        setSelf(list.self);
        if (!saved) setText([list.self, ...list.configured.filter((a) => a !== list.self)].join(';'));
      })
      .catch((err: Error) => {
        if (!saved) setText('');
        setError(err.message);
      });
  }, []);

  const compare = async (e?: Event) => {
    e?.preventDefault();
    const addrs = splitAddresses(text ?? '');
    if (addrs.length < 2) {
      setError('Give at least two NameServers, host:port separated by ";".');
      return;
    }
    localStorage.setItem(STORAGE_KEY, addrs.join(';'));
    setBusy(true);
    setError(null);
    try {
      setReport(await api.compare(addrs));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    localStorage.removeItem(STORAGE_KEY);
    const list = await api.nameServers().catch(() => null);
    if (list) setText([list.self, ...list.configured.filter((a) => a !== list.self)].join(';'));
  };

  return (
    <section>
      <PageHeader title="NameServers" />
      <p class="muted">
        NameServers never talk to each other: each knows what brokers told it. Compare what several of them know: brokers, topics, brokers' data versions and
        routes. The list starts from the <code>consoleNameServers</code> setting.
      </p>
      <form class="compare-form" onSubmit={compare}>
        <label for="ns-addrs">NameServers</label>
        <input
          id="ns-addrs"
          type="text"
          spellcheck={false}
          placeholder="10.0.0.1:9876;10.0.0.2:9876"
          value={text ?? ''}
          disabled={text === null}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy || text === null}>
          {busy ? 'Comparing…' : 'Compare'}
        </button>
        <button type="button" onClick={reset} title="Back to the consoleNameServers setting">
          Reset
        </button>
      </form>
      <ErrorNote error={error} />
      {report && <Report report={report} self={self} />}
    </section>
  );
}
