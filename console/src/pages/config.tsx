import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote, KeyValueTable, Loading, matching, PageHeader } from '../components/common';
import { usePoll } from '../poll';

export function ConfigPage() {
  const config = usePoll(api.config, 0);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const rows = matching(Object.entries(config.data ?? {}), needle);
  return (
    <section>
      <PageHeader title="Configuration">
        <input type="search" placeholder="Filter settings" aria-label="Filter settings" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </PageHeader>
      <p class="muted">Effective settings of this NameServer; secrets are shown as ******.</p>
      <ErrorNote error={config.error} what="Could not read the configuration" />
      {!config.data ? (
        !config.error && <Loading />
      ) : (
        <KeyValueTable keyHeading="Property" rows={rows} />
      )}
    </section>
  );
}
