import { useEffect, useState } from 'preact/hooks';
import { api, type TopicPage } from '../api';
import { ErrorNote, Loading, PageHeader } from '../components/common';
import { count } from '../format';
import { usePoll } from '../poll';

const PAGE_SIZE = 100;

/** Topic names; the server filters and pages, so 30,000 topics cost one page at a time. */
export function TopicsPage() {
  const [input, setInput] = useState('');
  const [prefix, setPrefix] = useState('');
  const [cluster, setCluster] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<TopicPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const clusters = usePoll(api.clusters, 0);

  // Typing settles for a moment before the server is asked.
  useEffect(() => {
    const timer = setTimeout(() => {
      setPrefix(input.trim());
      setOffset(0);
    }, 250);
    return () => clearTimeout(timer);
  }, [input]);

  useEffect(() => {
    const abort = new AbortController();
    api
      .topics({ offset, limit: PAGE_SIZE, prefix, cluster }, abort.signal)
      .then((p) => {
        setPage(p);
        setError(null);
      })
      .catch((err: Error) => {
        if (!abort.signal.aborted) setError(err.message);
      });
    return () => abort.abort();
  }, [prefix, cluster, offset]);

  const last = page ? Math.min(page.offset + page.topics.length, page.total) : 0;
  return (
    <section>
      <PageHeader title="Topics">
        <input type="search" placeholder="Topic name starts with…" aria-label="Topic name prefix" value={input} onInput={(e) => setInput(e.currentTarget.value)} />
        <select
          aria-label="Cluster"
          value={cluster}
          onChange={(e) => {
            setCluster(e.currentTarget.value);
            setOffset(0);
          }}
        >
          <option value="">All clusters</option>
          {Object.keys(clusters.data ?? {})
            .sort()
            .map((c) => (
              <option value={c}>{c}</option>
            ))}
        </select>
      </PageHeader>
      <ErrorNote error={error} what="Could not read the topics" />
      {!page ? (
        !error && <Loading />
      ) : page.total === 0 ? (
        <p class="empty">{prefix || cluster ? 'No topic matches.' : 'No topic is registered.'}</p>
      ) : (
        <>
          <nav class="pager" aria-label="Pages">
            <span class="summary muted">
              {count(page.offset + 1)}–{count(last)} of {count(page.total)} topics
            </span>
            <button type="button" disabled={page.offset === 0} onClick={() => setOffset(Math.max(0, page.offset - PAGE_SIZE))}>
              ← Previous
            </button>
            <button type="button" disabled={last >= page.total} onClick={() => setOffset(page.offset + PAGE_SIZE)}>
              Next →
            </button>
          </nav>
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th>Topic</th>
                  <th>Brokers</th>
                </tr>
              </thead>
              <tbody>
                {page.topics.map((t) => (
                  <tr key={t.topic}>
                    <td class="strong">
                      <a href={`#/topics/${encodeURIComponent(t.topic)}`}>{t.topic}</a>
                    </td>
                    <td>{t.brokerNames.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
