import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote, Loading, PageHeader } from '../components/common';
import { usePoll } from '../poll';

export function ConfigPage() {
  const config = usePoll(api.config, 0);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const rows = Object.entries(config.data ?? {}).filter(([k, v]) => !needle || k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle));
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
        <div class="table-wrap">
          <table class="data kv">
            <thead>
              <tr>
                <th>Property</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([k, v]) => (
                <tr key={k}>
                  <td class="strong">{k}</td>
                  <td>{v === '' ? <span class="muted">(empty)</span> : <code>{v}</code>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
