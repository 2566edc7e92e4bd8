import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';
import { readBackupStatus, type BackupStatus } from '../shared/backup-status.js';

// The nightly backup's outcome (shared/backup-status.ts) and the TLS certificate's expiry, as gauges
// of the connector, which Prometheus scrapes already (prometheus/rules/erpbi-backups.yml alerts on
// them). Read at each scrape: the files change under a running connector. A gauge with nothing to say
// has no sample at all (not a 0, which would read as 1970): `absent()` then tells "never recorded".

const seconds = (iso: string) => Date.parse(iso) / 1000;

export function registerBackupMetrics(registry: Registry, files: { statusFile?: string | undefined; certFile?: string | undefined }): void {
  /** The status, or null when there is none (or it cannot be read: then every backup gauge is absent, and the absent alert says so). */
  const status = (): BackupStatus | null => {
    if (!files.statusFile) return null;
    try {
      return readBackupStatus(files.statusFile);
    } catch {
      return null;
    }
  };
  const gauge = (name: string, help: string, value: (s: BackupStatus) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = status();
        const v = s ? value(s) : undefined;
        if (v === undefined) this.remove();
        else this.set(v);
      },
    });
  gauge('erpbi_backup_last_success_timestamp_seconds', 'When the last backup was written (Unix time)', (s) =>
    s.backup.lastSuccess ? seconds(s.backup.lastSuccess.at) : undefined,
  );
  gauge('erpbi_backup_last_failure_timestamp_seconds', 'When a step of the nightly backup (the backup, its push off the box) last failed (Unix time)', (s) =>
    s.backup.lastFailure ? seconds(s.backup.lastFailure.at) : undefined,
  );
  gauge('erpbi_backup_last_size_bytes', 'The size of the last backup written', (s) => s.backup.lastSuccess?.bytes);
  gauge('erpbi_backup_drill_last_success_timestamp_seconds', 'When the restore drill last passed (Unix time)', (s) =>
    s.drill.lastSuccess ? seconds(s.drill.lastSuccess.at) : undefined,
  );
  gauge('erpbi_backup_drill_last_failure_timestamp_seconds', 'When the restore drill last failed (Unix time)', (s) =>
    s.drill.lastFailure ? seconds(s.drill.lastFailure.at) : undefined,
  );

  new Gauge({
    name: 'erpbi_tls_certificate_expiry_timestamp_seconds',
    help: 'When the certificate Traefik serves expires (Unix time), by its subject',
    labelNames: ['subject'] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (!files.certFile || !existsSync(files.certFile)) return;
      try {
        const cert = new X509Certificate(readFileSync(files.certFile));
        this.set({ subject: cert.subject.replace(/\n/g, ', ') }, Date.parse(cert.validTo) / 1000);
      } catch {
        // not a certificate: absent, as when there is none
      }
    },
  });
}
