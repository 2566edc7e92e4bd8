import { createAuth } from './auth.js';

// The live dashboard: five panels over the projector's named queries, refreshed when the live stream
// says a batch was applied (no polling, no reload). Each panel says which event it shows and how far
// behind that event it was when drawn.

const api = '/function/project-to-olap';
const $ = (sel) => document.querySelector(sel);
const statusOrder = ['pending', 'reserved', 'invoiced', 'partially_paid', 'paid', 'fulfilled', 'rejected', 'cancelled'];
const bucketOrder = ['current', '1-30', '31-60', '61-90', '90+'];
const palette = ['#3b82f6', '#22c55e', '#f59e0b', '#a855f7', '#ef4444', '#14b8a6', '#eab308', '#64748b'];

const digits = (currency) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
const major = (minor, currency) => minor / 10 ** digits(currency);
const money = (minor, currency) => new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(major(minor, currency));
const moneyByCurrency = (rows, field) => {
  const sums = new Map();
  for (const r of rows) sums.set(r.currency, (sums.get(r.currency) ?? 0) + r[field]);
  return sums.size ? [...sums].map(([c, v]) => money(v, c)).join(' + ') : money(0, 'EUR');
};

const charts = new Map();
function chart(id) {
  if (!charts.has(id)) charts.set(id, echarts.init($(`#${id} .chart`), 'dark', { renderer: 'canvas' }));
  return charts.get(id);
}
const base = { backgroundColor: 'transparent', color: palette, textStyle: { fontFamily: 'inherit' }, grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }, tooltip: { trigger: 'axis' }, legend: { top: 0, type: 'scroll' } };

const panels = {
  'panel-sales': {
    path: '/query/sales_by_hour?hours=24',
    render(rows) {
      const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const hours = Array.from({ length: 24 }, (_, i) => new Date(now - (23 - i) * 3_600_000).toISOString().slice(0, 13));
      const currencies = [...new Set(rows.map((r) => r.currency))];
      const at = (h, c, f) => rows.filter((r) => r.hour.slice(0, 13) === h && (!c || r.currency === c)).reduce((n, r) => n + r[f], 0);
      // Buckets are UTC hours; labelled in the viewer's time zone.
      const label = (h) => new Date(`${h}:00:00Z`).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      chart('panel-sales').setOption({
        ...base,
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: hours.map(label) },
        yAxis: [{ type: 'value', name: 'revenue', splitLine: { lineStyle: { color: '#22304a' } } }, { type: 'value', name: 'orders', minInterval: 1, splitLine: { show: false } }],
        series: [
          ...currencies.map((c) => ({ name: `revenue ${c}`, type: 'bar', data: hours.map((h) => major(at(h, c, 'revenue'), c)) })),
          { name: 'orders', type: 'line', yAxisIndex: 1, data: hours.map((h) => at(h, null, 'orders')) },
        ],
      }, { replaceMerge: ['series'] });
      const total = rows.reduce((n, r) => n + r.revenue, 0);
      $('#revenue-total').textContent = moneyByCurrency(rows, 'revenue');
      $('#revenue-total').dataset.value = String(total);
      $('#orders-total').textContent = String(rows.reduce((n, r) => n + r.orders, 0));
    },
  },
  'panel-aging': {
    path: '/query/ar_aging',
    render(rows) {
      const currencies = [...new Set(rows.map((r) => r.currency))];
      chart('panel-aging').setOption({
        ...base,
        xAxis: { type: 'category', axisLabel: { interval: 0, hideOverlap: false }, data: bucketOrder.map((b) => (b === 'current' ? 'not due' : `${b} d`)) },
        yAxis: { type: 'value', splitLine: { lineStyle: { color: '#22304a' } } },
        series: currencies.map((c) => ({
          name: c, type: 'bar', data: bucketOrder.map((b, i) => ({ value: major(rows.find((r) => r.bucket === b && r.currency === c)?.balance ?? 0, c), itemStyle: { color: ['#22c55e', '#eab308', '#f59e0b', '#f97316', '#ef4444'][i] } })),
        })),
      }, { replaceMerge: ['series'] });
      $('#ar-total').textContent = moneyByCurrency(rows, 'balance');
    },
  },
  'panel-funnel': {
    path: '/query/order_funnel',
    render(rows) {
      const count = (s) => rows.find((r) => r.status === s)?.orders ?? 0;
      chart('panel-funnel').setOption({
        ...base,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#22304a' } } },
        yAxis: { type: 'category', inverse: true, data: statusOrder.map((s) => s.replace('_', ' ')) },
        series: [{ name: 'orders', type: 'bar', label: { show: true, position: 'right' }, data: statusOrder.map((s, i) => ({ value: count(s), itemStyle: { color: i >= 6 ? '#64748b' : palette[i % 6] } })) }],
      }, { replaceMerge: ['series'] });
    },
  },
  'panel-stock': {
    path: '/query/stock_levels',
    render(rows) {
      const shown = [...rows].sort((a, b) => b.onHand - a.onHand).slice(0, 12);
      chart('panel-stock').setOption({
        ...base,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#22304a' } } },
        yAxis: { type: 'category', inverse: true, data: shown.map((r) => r.name), axisLabel: { width: 110, overflow: 'truncate' } },
        series: [
          { name: 'available', type: 'bar', stack: 'on hand', data: shown.map((r) => r.available), itemStyle: { color: '#22c55e' } },
          { name: 'reserved', type: 'bar', stack: 'on hand', data: shown.map((r) => r.reserved), itemStyle: { color: '#f59e0b' } },
        ],
      }, { replaceMerge: ['series'] });
    },
  },
  'panel-top': {
    path: '/query/top_products?limit=8',
    render(rows) {
      chart('panel-top').setOption({
        ...base,
        legend: { show: false },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: undefined },
        xAxis: { type: 'value', splitLine: { lineStyle: { color: '#22304a' } } },
        yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { width: 110, overflow: 'truncate' } },
        series: [{ name: 'net revenue', type: 'bar', label: { show: true, position: 'right', formatter: (p) => money(rows[p.dataIndex].revenue, rows[p.dataIndex].currency) }, data: rows.map((r) => major(r.revenue, r.currency)) }],
      }, { replaceMerge: ['series'] });
    },
  },
};

function showFreshness(id, watermark) {
  const el = $(`#${id} .fresh`);
  if (!watermark.seq) {
    el.textContent = 'no events yet';
    return;
  }
  const behind = Math.max(0, Date.now() - Date.parse(watermark.eventTime));
  el.textContent = `as of event ${watermark.seq}, ${behind.toLocaleString()} ms behind`;
  el.title = `event at ${watermark.eventTime}, applied at ${watermark.appliedAt}`;
  el.classList.toggle('stale', behind > 5000);
  el.dataset.seq = String(watermark.seq);
}

let auth;
let refreshing = null;
let again = false;

async function getJson(path) {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${auth.token()}` } });
  if (res.status === 401) {
    auth.signOut();
    showSignedOut();
    throw new Error('your session ended; sign in again');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? `${path}: ${res.status}`);
  return body;
}

/** Redraws every panel; a refresh asked for while one runs is coalesced into one more afterwards. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      await Promise.all(Object.entries(panels).map(async ([id, p]) => {
        const { rows, watermark } = await getJson(p.path);
        p.render(rows);
        showFreshness(id, watermark);
      }));
      const seqs = [...document.querySelectorAll('.fresh')].map((e) => Number(e.dataset.seq ?? 0));
      document.body.dataset.seq = String(Math.min(...seqs));
      $('#error').hidden = true;
    } while (again);
  })().catch((err) => showError(err)).finally(() => (refreshing = null));
  return refreshing;
}

let source;
function connectLive() {
  source?.close();
  const status = $('#status');
  const set = (state) => {
    status.dataset.state = state;
    status.querySelector('span').textContent = state;
  };
  set('connecting');
  // EventSource cannot send headers: the token goes as access_token (the projector accepts both).
  source = new EventSource(`${api}/live?access_token=${encodeURIComponent(auth.token())}`);
  source.addEventListener('open', () => set('live'));
  source.addEventListener('watermark', () => refresh());
  source.addEventListener('error', () => {
    set(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    if (!auth.token()) {
      source.close();
      showSignedOut();
    } else if (source.readyState === EventSource.CLOSED) {
      setTimeout(connectLive, 2000); // a refused stream (e.g. the box restarting) is retried, with the token re-read
    }
  });
}

function showError(err) {
  $('#error').textContent = err.message;
  $('#error').hidden = false;
}

function showSignedOut() {
  source?.close();
  $('#dashboard').hidden = true;
  $('#welcome').hidden = false;
  $('#signin').hidden = false;
  $('#signout').hidden = true;
  $('#who').textContent = '';
}

function showSignedIn() {
  const u = auth.user();
  $('#who').textContent = `${u.name} (${u.roles.join(', ') || 'no role'})`;
  $('#welcome').hidden = true;
  $('#dashboard').hidden = false;
  $('#signin').hidden = true;
  $('#signout').hidden = false;
  connectLive();
  refresh();
}

window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

(async () => {
  try {
    auth = await createAuth();
    $('#signin').addEventListener('click', () => auth.signIn().catch(showError));
    $('#signout').addEventListener('click', () => {
      auth.signOut();
      showSignedOut();
    });
    await auth.completeRedirect();
    if (auth.token()) showSignedIn();
    else showSignedOut();
  } catch (err) {
    showError(err);
    showSignedOut();
  }
})();
