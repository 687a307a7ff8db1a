// Line charts of the last hour, drawn as SVG from GET /api/stats buckets. No library.

import { h, svg } from './dom.js';
import { locale } from './i18n.js';

const width = 640;
const height = 200;
const margin = { top: 10, right: 12, bottom: 24, left: 44 };

/** A "nice" upper bound and step for an axis whose largest value is `max`. */
function niceScale(max, integers) {
  if (!(max > 0)) return { top: 1, step: integers ? 1 : 0.25 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
  if (integers) step = Math.max(1, Math.ceil(step));
  return { top: Math.ceil(max / step) * step, step };
}

function formatNumber(value) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: value < 10 ? 2 : 0 }).format(value);
}

/**
 * A chart: `title`, the `buckets` of /api/stats, and `series` — each `{label, className,
 * value(bucket) → number or null}`; `integers`: whole-number ticks (counts). Returns a <figure> with the SVG and a legend.
 */
export function lineChart({ title, buckets, series, emptyText, integers = false }) {
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, title));
  const values = buckets.flatMap((bucket) => series.map((s) => s.value(bucket))).filter((v) => v !== null && v !== undefined);
  if (buckets.length === 0 || values.length === 0) {
    figure.append(h('p', { class: 'muted chart-empty' }, emptyText));
    return figure;
  }
  const { top, step } = niceScale(Math.max(...values), integers);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const start = Date.parse(buckets[0].start);
  const end = Date.parse(buckets[buckets.length - 1].start);
  const span = Math.max(end - start, 1);
  const x = (bucket) => margin.left + ((Date.parse(bucket.start) - start) / span) * plotWidth;
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;

  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart-svg',
    role: 'img',
    'aria-label': `${title}: ${series.map((s) => `${s.label} max ${formatNumber(Math.max(0, ...buckets.map((b) => s.value(b) ?? 0)))}`).join(', ')}`,
  });
  for (let tick = 0; tick <= top + step / 2; tick += step) {
    chart.append(
      svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg('text', { x: margin.left - 6, y: y(tick) + 4, class: 'axis-label', 'text-anchor': 'end' }, formatNumber(tick)),
    );
  }
  const time = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' });
  const labelEvery = Math.max(1, Math.round(buckets.length / 6));
  buckets.forEach((bucket, index) => {
    if (index % labelEvery !== 0 && index !== buckets.length - 1) return;
    if (index === buckets.length - 1 && index % labelEvery !== 0 && index % labelEvery < labelEvery / 2) return;
    const anchor = index === 0 ? 'start' : index === buckets.length - 1 ? 'end' : 'middle';
    chart.append(svg('text', { x: x(bucket), y: height - 6, class: 'axis-label', 'text-anchor': anchor }, time.format(new Date(bucket.start))));
  });
  chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0), class: 'axis' }));

  for (const s of series) {
    // A line per run of buckets with a value; a lone point is drawn as a dot.
    let run = [];
    const flush = () => {
      if (run.length === 1) chart.append(svg('circle', { cx: run[0][0], cy: run[0][1], r: 2.5, class: `dot ${s.className}` }));
      else if (run.length > 1) chart.append(svg('polyline', { points: run.map((p) => p.join(',')).join(' '), class: `line ${s.className}` }));
      run = [];
    };
    for (const bucket of buckets) {
      const value = s.value(bucket);
      if (value === null || value === undefined) flush();
      else run.push([x(bucket).toFixed(1), y(value).toFixed(1)]);
    }
    flush();
  }
  figure.append(
    chart,
    h('ul', { class: 'legend' }, series.map((s) => h('li', {}, h('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), s.label))),
  );
  return figure;
}
