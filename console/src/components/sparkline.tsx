import { duration } from '../format';

/** A small line chart of recent values (oldest first), with its last value written beside it. */
export function Sparkline(props: { values: number[]; label: string; unit: string; digits?: number; intervalMs: number }) {
  const width = 320;
  const height = 64;
  const values = props.values;
  const max = Math.max(...values, 0) || 1;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 4 - (v / max) * (height - 8)).toFixed(1)}`).join(' ');
  const last = values.length ? values[values.length - 1]! : null;
  return (
    <figure class="chart">
      <figcaption>
        <span class="card-label">{props.label}</span>
        <span class="chart-value">{last === null ? '–' : `${last.toFixed(props.digits ?? 1)} ${props.unit}`}</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${props.label} over the last minutes`}>
        <line x1="0" y1={height - 4} x2={width} y2={height - 4} class="chart-axis" />
        {values.length > 1 && <polygon points={`0,${height - 4} ${points} ${width},${height - 4}`} class="chart-area" />}
        {values.length > 1 && <polyline points={points} class="chart-line" />}
      </svg>
      <div class="chart-scale muted">
        {values.length < 2 ? 'collecting…' : `peak ${max.toFixed(props.digits ?? 1)} ${props.unit} in the last ${duration(values.length * props.intervalMs)}`}
      </div>
    </figure>
  );
}
