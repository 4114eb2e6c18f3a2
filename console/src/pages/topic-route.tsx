import { api } from '../api';
import { ErrorNote, Loading, PageHeader, Tag } from '../components/common';
import { permWords } from '../format';
import { usePoll } from '../poll';

/** A topic's route as clients get it from this NameServer. */
export function TopicRoutePage(props: { topic: string }) {
  const route = usePoll(() => api.route(props.topic), 5000, [props.topic]);
  const r = route.data;
  return (
    <section>
      <PageHeader title={props.topic}>
        <a href="#/topics">← All topics</a>
      </PageHeader>
      <ErrorNote error={route.error} />
      {!r ? (
        !route.error && <Loading />
      ) : (
        <>
          <dl class="facts">
            <dt>Order config</dt>
            <dd>{r.orderTopicConf ? <code>{r.orderTopicConf}</code> : <span class="muted">none (not an ordered topic)</span>}</dd>
            <dt>Queues</dt>
            <dd>
              {r.queueDatas.reduce((n, q) => n + q.readQueueNums, 0)} read, {r.queueDatas.reduce((n, q) => n + q.writeQueueNums, 0)} write on{' '}
              {r.queueDatas.length} broker groups
            </dd>
          </dl>
          <h2>Queues and brokers</h2>
          <div class="table-wrap">
            <table class="data route">
              <thead>
                <tr>
                  <th>Broker</th>
                  <th>Cluster</th>
                  <th>Zone</th>
                  <th>Addresses</th>
                  <th class="num">Read queues</th>
                  <th class="num">Write queues</th>
                  <th>Permission</th>
                </tr>
              </thead>
              <tbody>
                {r.queueDatas.map((q) => {
                  const broker = r.brokerDatas.find((b) => b.brokerName === q.brokerName);
                  const addrs = Object.entries(broker?.brokerAddrs ?? {}).sort(([a], [b]) => Number(a) - Number(b));
                  return (
                    <tr key={q.brokerName} data-broker-name={q.brokerName}>
                      <td class="strong">{q.brokerName}</td>
                      <td>{broker?.cluster ?? <span class="muted">–</span>}</td>
                      <td>{broker?.zoneName ?? <span class="muted">–</span>}</td>
                      <td>
                        {addrs.length === 0 ? (
                          <Tag kind="late">no live broker</Tag>
                        ) : (
                          addrs.map(([id, addr]) => (
                            <div>
                              <code>{addr}</code> <Tag kind={id === '0' ? 'ok' : 'muted'}>{id === '0' ? 'master' : `slave ${id}`}</Tag>
                            </div>
                          ))
                        )}
                      </td>
                      <td class="num">{q.readQueueNums}</td>
                      <td class="num">{q.writeQueueNums}</td>
                      <td title={`perm ${q.perm}`}>{permWords(q.perm)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {Object.keys(r.filterServerTable ?? {}).length > 0 && (
            <>
              <h2>Filter servers</h2>
              <pre class="json">{JSON.stringify(r.filterServerTable, null, 2)}</pre>
            </>
          )}
          <h2>Static-topic mapping</h2>
          {r.topicQueueMappingByBroker && Object.keys(r.topicQueueMappingByBroker).length > 0 ? (
            <pre class="json">{JSON.stringify(r.topicQueueMappingByBroker, null, 2)}</pre>
          ) : (
            <p class="muted">None: not a static topic.</p>
          )}
        </>
      )}
    </section>
  );
}
