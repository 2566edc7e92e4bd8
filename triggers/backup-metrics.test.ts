import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { recordBackupStatus } from '../shared/backup-status.js';
import { registerBackupMetrics } from './backup-metrics.js';

// The gauges Prometheus alerts on, read from the files as the connector finds them at each scrape.
const dir = mkdtempSync(join(tmpdir(), 'erpbi-backup-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const statusFile = join(dir, 'backup-status.json');
const certFile = join(dir, 'erpbi.crt');
const registry = new Registry();
registerBackupMetrics(registry, { statusFile, certFile });
/** name{labels} -> value of the gauges that have a sample. */
async function samples(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await registry.metrics()).split('\n')) {
    const m = /^(erpbi_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

describe('the backup and certificate gauges of the connector', () => {
  it('before any backup and without a certificate: no sample at all (absent(), not a 0 that reads as 1970)', async () => {
    expect(await samples()).toEqual({});
  });

  it('follow the status file: a success, a failure after it, then the drill', async () => {
    recordBackupStatus(statusFile, { kind: 'backup', ok: true, bytes: 12345 }, new Date('2026-12-07T02:31:00Z'));
    expect(await samples()).toEqual({
      erpbi_backup_last_success_timestamp_seconds: Date.parse('2026-12-07T02:31:00Z') / 1000,
      erpbi_backup_last_size_bytes: 12345,
    });
    recordBackupStatus(statusFile, { kind: 'backup', ok: false, step: 'push' }, new Date('2026-12-07T02:40:00Z'));
    recordBackupStatus(statusFile, { kind: 'drill', ok: true, seconds: 42 }, new Date('2026-12-07T02:35:00Z'));
    recordBackupStatus(statusFile, { kind: 'drill', ok: false }, new Date('2026-12-08T02:35:00Z'));
    expect(await samples()).toEqual({
      erpbi_backup_last_success_timestamp_seconds: Date.parse('2026-12-07T02:31:00Z') / 1000,
      erpbi_backup_last_size_bytes: 12345,
      erpbi_backup_last_failure_timestamp_seconds: Date.parse('2026-12-07T02:40:00Z') / 1000,
      erpbi_backup_drill_last_success_timestamp_seconds: Date.parse('2026-12-07T02:35:00Z') / 1000,
      erpbi_backup_drill_last_failure_timestamp_seconds: Date.parse('2026-12-08T02:35:00Z') / 1000,
    });
  });

  it('a status file that is not one: the backup gauges go absent (and the absent alert fires), nothing throws', async () => {
    writeFileSync(statusFile, '{"backup": 1}');
    expect(Object.keys(await samples()).filter((k) => k.startsWith('erpbi_backup_'))).toEqual([]);
  });

  it("the certificate's expiry, read from the PEM Traefik serves (openssl-made, 30 days)", async () => {
    const key = join(dir, 'erpbi.key');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        certFile,
        '-days',
        '30',
        '-subj',
        '/CN=erpbi.lan',
      ],
      { stdio: 'ignore' },
    );
    const notAfter = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-enddate'], { encoding: 'utf8' }).trim().replace('notAfter=', '');
    const got = await samples();
    expect(got['erpbi_tls_certificate_expiry_timestamp_seconds{subject="CN=erpbi.lan"}']).toBe(Date.parse(notAfter) / 1000);
    expect(Date.parse(notAfter) / 1000 - Date.now() / 1000).toBeGreaterThan(29 * 86400);
    writeFileSync(certFile, 'not a certificate');
    expect(Object.keys(await samples()).filter((k) => k.startsWith('erpbi_tls_'))).toEqual([]);
  });
});
