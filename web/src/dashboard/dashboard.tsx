import { useEffect, useRef, useState } from 'preact/hooks';
import { bi, type BiAnswer, type Watermark } from '../api.js';
import { onWatermark } from '../live.js';
import { Header } from '../ui.js';
import { freshness } from './freshness.js';
import { chart, moneyByCurrency, panels, type Panel } from './panels.js';
import { catalogue } from '../../../olap/catalogue.js';
import type { Entry } from '../../../olap/catalogue/types.js';

// The live BI panels over the projector's named queries, redrawn when the live stream says a batch
// was applied (no polling, no reload). Each panel says which event it shows and whether the projection
// is behind the stream's newest event (freshness.ts). Charts are drawn imperatively by ECharts into elements Preact leaves alone.

type Chart = { setOption: (o: unknown, opts?: unknown) => void; resize: () => void; dispose: () => void };

export function Dashboard() {
  const [data, setData] = useState<Record<string, BiAnswer>>({});
  const [error, setError] = useState<string>();
  const holders = useRef<Record<string, HTMLDivElement | null>>({});
  const charts = useRef(new Map<string, Chart>());

  useEffect(() => {
    let alive = true;
    let running: Promise<void> | null = null;
    let again = false;
    const lib = import('./charts.js');
    const draw = (p: Panel, answer: BiAnswer, init: (el: HTMLElement, theme: string, o: unknown) => Chart) => {
      const el = holders.current[p.id];
      if (!el) return;
      let drawn = charts.current.get(p.id);
      if (!drawn) charts.current.set(p.id, (drawn = init(el, 'dark', { renderer: 'canvas' })));
      drawn.setOption(chart(p, answer), { replaceMerge: ['series'] });
    };
    // A refresh asked for while one runs is folded into one more afterwards.
    const refresh = () => {
      if (running) return void (again = true);
      running = (async () => {
        do {
          again = false;
          const { init } = await lib;
          const answers = await Promise.all(panels.map(async (p) => [p, await bi(p.query.name, p.query.params)] as const));
          if (!alive) return;
          for (const [p, a] of answers) draw(p, a, init as never);
          setData(Object.fromEntries(answers.map(([p, a]) => [p.id, a])));
          setError(undefined);
        } while (again && alive);
      })()
        .catch((e: Error) => {
          if (alive) setError(e.message);
        })
        .finally(() => (running = null));
    };
    refresh();
    const off = onWatermark(refresh);
    const resize = () => charts.current.forEach((c) => c.resize());
    window.addEventListener('resize', resize);
    return () => {
      alive = false;
      off();
      window.removeEventListener('resize', resize);
      charts.current.forEach((c) => c.dispose());
      charts.current.clear();
    };
  }, []);

  // The KPIs' rows, told apart by their query's name (so typed as its rows).
  const salesAnswer = data['panel-sales'];
  const sales = salesAnswer?.name === 'sales_by_hour' ? salesAnswer.rows : undefined;
  // This UTC month's rows of the margin panel (the KPI in its heading).
  const marginAnswer = data['panel-margin'];
  const margin = marginAnswer?.name === 'gross_margin' ? marginAnswer.rows.filter((r) => r.month === new Date().toISOString().slice(0, 7)) : undefined;
  const agingAnswer = data['panel-aging'];
  const aging = agingAnswer?.name === 'ar_aging' ? agingAnswer.rows : undefined;
  const seqs = panels.map((p) => data[p.id]?.watermark.seq ?? 0);
  return (
    <section id="dashboard" data-seq={String(Math.min(...seqs))}>
      <Header title="Dashboard" />
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="panels">
        {panels.map((p) => (
          <article class={`panel ${p.wide ? 'wide' : ''}`} id={p.id} key={p.id} aria-labelledby={`${p.id}-title`} aria-describedby={`${p.id}-description`}>
            <h2 id={`${p.id}-title`}>
              {p.title}
              {p.id === 'panel-sales' ? (
                <span class="kpi">
                  last 24 h:{' '}
                  <b id="revenue-total" data-value={sales ? String(sales.reduce((n, r) => n + r.revenue, 0)) : ''}>
                    {sales ? moneyByCurrency(sales, 'revenue') : '–'}
                  </b>{' '}
                  · <b id="orders-total">{sales ? sales.reduce((n, r) => n + r.orders, 0) : '–'}</b> orders
                </span>
              ) : p.id === 'panel-margin' ? (
                <span class="kpi">
                  this month:{' '}
                  <b id="margin-total" data-value={margin ? String(margin.reduce((n, r) => n + r.margin, 0)) : ''}>
                    {margin ? moneyByCurrency(margin, 'margin') : '–'}
                  </b>
                </span>
              ) : p.id === 'panel-aging' ? (
                <span class="kpi">
                  open: <b id="ar-total">{aging ? moneyByCurrency(aging, 'balance') : '–'}</b>
                </span>
              ) : null}
            </h2>
            <Freshness watermark={data[p.id]?.watermark} />
            <div class="chart" role="img" aria-label={`${p.title} chart`} ref={(el) => void (holders.current[p.id] = el)} />
            <Definition id={p.id} entry={catalogue[p.query.name]} />
          </article>
        ))}
      </div>
    </section>
  );
}

/** The panel's definition from the metric catalogue: its description, and each column's (as the CSV's header names it) as a tooltip. */
function Definition({ id, entry }: { id: string; entry: Entry }) {
  return (
    <details class="hint">
      <summary>What these figures are</summary>
      <p id={`${id}-description`}>{entry.description}</p>
      <table>
        <tbody>
          {Object.entries(entry.columns).map(([name, c]) => (
            <tr key={name}>
              <th scope="row" title={c.definition}>
                {name}
              </th>
              <td>{c.definition}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Freshness({ watermark }: { watermark: Watermark | undefined }) {
  const { text, stale } = freshness(watermark);
  if (!watermark) return <p class="fresh">{text}</p>;
  return (
    <p
      class={`fresh ${stale ? 'stale' : ''}`}
      data-seq={String(watermark.seq)}
      title={watermark.eventTime ? `event at ${watermark.eventTime}, applied at ${watermark.appliedAt}` : undefined}
    >
      {text}
    </p>
  );
}
