import type { ComponentChildren } from 'preact';

export function PageHeader(props: { title: string; children?: ComponentChildren; status?: ComponentChildren }) {
  return (
    <header class="page-header">
      <h1>{props.title}</h1>
      <div class="page-tools">{props.children}</div>
      {props.status && <div class="page-status">{props.status}</div>}
    </header>
  );
}

export function ErrorNote(props: { error: string | null; what?: string }) {
  if (!props.error) return null;
  return (
    <p class="note note-error" role="alert">
      {props.what ? `${props.what}: ` : ''}
      {props.error}
    </p>
  );
}

export function Loading() {
  return <p class="muted">Loading…</p>;
}

/** "updated 12:01:03", or the error of the last poll beside the time of the last good one. */
export function LiveStatus(props: { updatedAt: number | null; error: string | null }) {
  if (props.error) return <span class="live live-error" title={props.error}>not updating: {props.error}</span>;
  if (!props.updatedAt) return null;
  return <span class="live">live · updated {new Date(props.updatedAt).toLocaleTimeString('en-GB', { hour12: false })}</span>;
}

export function Card(props: { label: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <div class={props.wide ? 'card card-wide' : 'card'}>
      <div class="card-label">{props.label}</div>
      <div class="card-value">{props.children}</div>
    </div>
  );
}

export function Tag(props: { kind?: 'ok' | 'warn' | 'late' | 'info' | 'muted'; children: ComponentChildren; title?: string }) {
  return (
    <span class={`tag tag-${props.kind ?? 'muted'}`} title={props.title}>
      {props.children}
    </span>
  );
}

export interface SortState<K extends string> {
  key: K;
  descending: boolean;
}

/** A column header that sorts on click or Enter; `aria-sort` tells screen readers. */
export function SortHeader<K extends string>(props: { label: string; column: K; sort: SortState<K>; onSort(s: SortState<K>): void; numeric?: boolean }) {
  const active = props.sort.key === props.column;
  const next = () => props.onSort({ key: props.column, descending: active ? !props.sort.descending : false });
  return (
    <th class={props.numeric ? 'num' : undefined} aria-sort={active ? (props.sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={next}>
        {props.label}
        <span class="sort-mark" aria-hidden="true">{active ? (props.sort.descending ? '▼' : '▲') : ''}</span>
      </button>
    </th>
  );
}

/** `[key, value]` pairs as a two-column table (KV entries, settings); an empty value is said so. */
export function KeyValueTable(props: { keyHeading: string; rows: Array<[string, string]> }) {
  return (
    <div class="table-wrap">
      <table class="data kv">
        <thead>
          <tr>
            <th>{props.keyHeading}</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([k, v]) => (
            <tr key={k}>
              <td class="strong">{k}</td>
              <td>{v === '' ? <span class="muted">(empty)</span> : <code>{v}</code>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Pairs whose key or value contains `needle` (lower case; empty keeps all). */
export function matching(entries: Array<[string, string]>, needle: string): Array<[string, string]> {
  return entries.filter(([k, v]) => !needle || k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle));
}
