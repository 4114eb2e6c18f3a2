import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote, KeyValueTable, Loading, matching, PageHeader } from '../components/common';
import { usePoll } from '../poll';

export function KvPage() {
  const kv = usePoll(api.kv, 10_000);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const namespaces = Object.entries(kv.data ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return (
    <section>
      <PageHeader title="KV config">
        <input type="search" placeholder="Filter keys and values" aria-label="Filter KV entries" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </PageHeader>
      <ErrorNote error={kv.error} what="Could not read the KV config" />
      {!kv.data ? (
        !kv.error && <Loading />
      ) : namespaces.length === 0 ? (
        <p class="empty">No KV entries (they are set with mqadmin updateKvConfig, or by brokers and tools).</p>
      ) : (
        namespaces.map(([namespace, entries]) => {
          const rows = matching(Object.entries(entries), needle);
          return (
            <div class="block" key={namespace}>
              <h2>
                {namespace} <span class="muted">({rows.length})</span>
              </h2>
              <KeyValueTable keyHeading="Key" rows={rows} />
            </div>
          );
        })
      )}
    </section>
  );
}
