import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readJson, readYaml, root, stackFunctions } from './support.js';

// promtool comes with Debian's `prometheus` package (.ci/run installs it). Locally, without it, the
// two checks are skipped with a message; under CI they must run.
const promtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
if (!promtool && process.env.CI) throw new Error('promtool is missing under CI: apt-get install -y prometheus');
if (!promtool) console.warn('tests/deploy/monitoring: promtool not found (apt-get install -y prometheus): promtool checks SKIPPED');

const tmp = mkdtempSync(join(tmpdir(), 'erpbi-promtool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function promtoolRun(args: string[]) {
  const r = spawnSync('promtool', args, { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

const prom = readYaml('prometheus/prometheus.yml');
const job = (name: string) => prom.scrape_configs.find((j: { job_name: string }) => j.job_name === name);
const ruleFiles = readdirSync(join(root, 'prometheus/rules'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => `prometheus/rules/${f}`);
const rules = ruleFiles.flatMap((f) => readYaml(f).groups.flatMap((g: { rules: unknown[] }) => g.rules)) as { alert?: string; record?: string; expr: string }[];

describe('Prometheus', () => {
  it.skipIf(!promtool)('promtool check config passes', () => {
    const r = promtoolRun(['check', 'config', 'prometheus/prometheus.yml']);
    expect(r.out).toContain('SUCCESS');
    expect(r.status, r.out).toBe(0);
  });

  it.skipIf(!promtool)('promtool check rules passes', () => {
    const r = promtoolRun(['check', 'rules', ...ruleFiles]);
    expect(r.status, r.out).toBe(0);
  });

  it.skipIf(!promtool)('promtool test rules: each backup, drill and certificate alert fires when it should and stays quiet otherwise', () => {
    const r = spawnSync('promtool', ['test', 'rules', 'erpbi-backups.test.yml'], { cwd: join(root, 'prometheus/rule-tests'), encoding: 'utf8' });
    expect(`${r.stdout}\n${r.stderr}`).toContain('SUCCESS');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  it('alerts on a failed or missing backup or drill, and a certificate within 21 days of expiry', () => {
    const alert = (name: string) => rules.find((r) => r.alert === name)!;
    expect(alert('ErpbiBackupFailed').expr).toBe('erpbi_backup_last_failure_timestamp_seconds > erpbi_backup_last_success_timestamp_seconds');
    expect(alert('ErpbiBackupMissing').expr).toBe('time() - erpbi_backup_last_success_timestamp_seconds > 26 * 3600');
    expect(alert('ErpbiBackupNeverRecorded').expr).toMatch(/^absent\(erpbi_backup_last_success_timestamp_seconds\)/);
    expect(alert('ErpbiBackupDrillFailed').expr).toContain('erpbi_backup_drill_last_failure_timestamp_seconds');
    expect(alert('ErpbiCertificateExpiresSoon').expr).toBe('erpbi_tls_certificate_expiry_timestamp_seconds - time() < 21 * 86400');
  });

  it('scrapes every function of stack.yml (through the gateway), the projector, the connector and nats-server', () => {
    const targets: string[] = job('erpbi-functions').static_configs.flatMap((c: { targets: string[] }) => c.targets);
    const expected = Object.keys(stackFunctions()).filter((n) => n !== 'project-to-olap');
    expect([...targets].sort()).toEqual(expected.sort());
    const relabel = job('erpbi-functions').relabel_configs;
    expect(relabel).toContainEqual(expect.objectContaining({ target_label: '__metrics_path__', replacement: '/function/${1}/metrics' }));
    expect(relabel).toContainEqual(expect.objectContaining({ target_label: '__address__', replacement: 'gateway:8080' }));
    expect(job('erpbi-projector').static_configs[0].targets).toEqual(['project-to-olap:3000']);
    expect(job('erpbi-connector').static_configs[0].targets).toEqual(['connector:3000']);
    expect(job('nats').static_configs[0].targets).toEqual(['nats-exporter:7777']);
    expect(prom.rule_files).toEqual(ruleFiles.map((f) => f.replace('prometheus/', '')));
  });

  it('alerts on a non-empty dead-letter stream, projector lag over 2 s and function 5xx', () => {
    const alert = (name: string) => rules.find((r) => r.alert === name)!;
    expect(alert('ErpbiDeadLetterNotEmpty').expr).toMatch(/jetstream_stream_total_messages\{stream_name=~"\.\*_DLQ"\}\) > 0/);
    expect(alert('ErpbiProjectorLag').expr).toMatch(/erpbi_projector_lag_seconds\) > 2$/);
    expect(alert('ErpbiFunctionErrors').expr).toContain('erpbi:function_errors:rate5m');
    expect(rules.find((r) => r.record === 'erpbi:function_errors:rate5m')!.expr).toContain('status=~"5.."');
  });
});

describe('Grafana provisioning', () => {
  const sources = readYaml('grafana/provisioning/datasources/erpbi.yml').datasources as {
    uid: string;
    type: string;
    url: string;
    jsonData: any;
    secureJsonData?: any;
  }[];
  const uids = new Set(sources.map((s) => s.uid));
  const bi = readJson('grafana/dashboards/erpbi-bi.json');
  const ops = readJson('grafana/dashboards/erpbi-operations.json');

  it('provisions Prometheus and the BI query API (Infinity, OAuth2 client credentials, secrets from files)', () => {
    expect(sources.find((s) => s.type === 'prometheus')?.url).toBe('${ERPBI_PROMETHEUS_URL}');
    const infinity = sources.filter((s) => s.type === 'yesoreyeram-infinity-datasource');
    expect(infinity.length).toBe(2);
    for (const s of infinity) {
      // Traefik's grafana-bi entrypoint: the BI queries and nothing else (tests/deploy/compose.test.ts).
      expect(s.url).toBe('http://traefik:8001');
      expect(s.jsonData.allowedHosts).toEqual(['http://traefik:8001']);
      expect(s.jsonData.auth_method).toBe('oauth2');
      expect(s.jsonData.oauth2.oauth2_type).toBe('client_credentials');
      expect(s.secureJsonData.oauth2ClientSecret).toMatch(/^\$__file\{\/run\/secrets\/[a-z-]+\}$/);
    }
    const providers = readYaml('grafana/provisioning/dashboards/erpbi.yml').providers;
    expect(providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });

  it('the BI dashboard has a panel per named query, each against /function/project-to-olap/query/<name>', () => {
    const urls = bi.panels.map((p: any) => p.targets[0].url);
    const names = [
      'sales_by_hour',
      'ar_aging',
      'stock_levels',
      'order_funnel',
      'top_products',
      'headcount_by_department',
      'payroll_by_department',
      'gross_margin',
      'inventory_value',
      'purchase_spend',
      'stock_on_order',
    ];
    expect(urls.sort()).toEqual(names.map((n) => `/function/project-to-olap/query/${n}`).sort());
    for (const p of bi.panels) {
      expect(uids.has(p.datasource.uid), p.title).toBe(true);
      expect(p.targets[0].root_selector).toBe('rows');
    }
    // pay: only the panel that shows it uses the payroll client (role bi-payroll)
    const admin = bi.panels.filter((p: any) => p.datasource.uid === 'erpbi-bi-admin').map((p: any) => p.targets[0].url);
    expect(admin).toEqual(['/function/project-to-olap/query/payroll_by_department']);
  });

  it('the operations dashboard covers the functions’, the connector’s and the sweeper’s metrics', () => {
    const exprs: string[] = ops.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    for (const metric of [
      'erpbi_http_request_duration_seconds_bucket',
      'erpbi_http_request_duration_seconds_count',
      'erpbi_connector_deliveries_total',
      'erpbi_outbox_republished_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(
        exprs.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
    }
    for (const p of ops.panels) expect(uids.has(p.datasource.uid), p.title).toBe(true);
    const ids = [...bi.panels, ...ops.panels].map((p: any) => `${p.id}`);
    expect(new Set(ops.panels.map((p: any) => p.id)).size).toBe(ops.panels.length);
    expect(ids.length).toBeGreaterThan(0);
  });

  // promtool parses PromQL: hand it every dashboard query as a recording rule.
  it.skipIf(!promtool)('every dashboard query is valid PromQL (promtool)', () => {
    const exprs: string[] = ops.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    const file = join(tmp, 'dashboard-queries.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `erpbi:dashboard_query_${i}`, expr })) }] }));
    const r = promtoolRun(['check', 'rules', file]);
    expect(r.status, r.out).toBe(0);
  });
});
