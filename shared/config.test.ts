import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionConfig, readConfig } from './config.js';

// One schema for every setting: each process reads its part through it, so a value is refused the same
// way wherever it is read (the connector once took any EVENTS_PREFIX a function refused).
const base = {
  FUNCTION_NAME: 'create-order',
  AUTH_ISSUER: 'http://127.0.0.1:1/issuer',
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://x@127.0.0.1/db',
};

describe('configuration', () => {
  it('refuses a bad EVENTS_PREFIX alike for a function, the connector and the CLI', () => {
    const env = { ...base, EVENTS_PREFIX: 'Bad.Prefix' };
    expect(() => functionConfig(env)).toThrow(/bad configuration: EVENTS_PREFIX/);
    expect(() => readConfig(['EVENTS_PREFIX', 'NATS_URL'], { env })).toThrow(/bad configuration: EVENTS_PREFIX/);
    expect(() => readConfig(['EVENTS_PREFIX'], { env: {} })).not.toThrow();
  });

  it('takes a JetStream cluster of 1, 3 or 5 servers and 1-5 replicas, and says why another count is refused', () => {
    expect(readConfig(['NATS_CLUSTER_SIZE', 'EVENTS_REPLICAS'], { env: {} })).toEqual({ NATS_CLUSTER_SIZE: 1, EVENTS_REPLICAS: undefined });
    expect(readConfig(['NATS_CLUSTER_SIZE', 'EVENTS_REPLICAS'], { env: { NATS_CLUSTER_SIZE: '3', EVENTS_REPLICAS: '3' } })).toEqual({
      NATS_CLUSTER_SIZE: 3,
      EVENTS_REPLICAS: 3,
    });
    expect(() => readConfig(['NATS_CLUSTER_SIZE'], { env: { NATS_CLUSTER_SIZE: '2' } })).toThrow(
      /NATS_CLUSTER_SIZE: 1, 3 or 5 \(a JetStream cluster needs a majority/,
    );
    expect(() => readConfig(['EVENTS_REPLICAS'], { env: { EVENTS_REPLICAS: '0' } })).toThrow(/bad configuration: EVENTS_REPLICAS/);
  });

  it('names every missing required setting at once, with the secret that may hold it', () => {
    expect(() => functionConfig({})).toThrow(
      /FUNCTION_NAME is required; AUTH_ISSUER is required; NATS_URL is required; DATABASE_URL \(or the secret database-url\) is required/,
    );
    expect(() => functionConfig({ FUNCTION_NAME: 'query', AUTH_ISSUER: base.AUTH_ISSUER, NATS_URL: base.NATS_URL }, { postgres: false })).not.toThrow();
  });

  it('gives the documented defaults and parses numbers and lists', () => {
    const c = readConfig(['HOST', 'PORT', 'EVENTS_STREAM', 'IDEMPOTENCY_WINDOW_HOURS', 'GATEWAY_FUNCTIONS', 'PRUNE_BATCH_ROWS'], {
      env: { PORT: '0', GATEWAY_FUNCTIONS: 'query, create-order,' },
    });
    expect(c).toEqual({
      HOST: '127.0.0.1',
      PORT: 0,
      EVENTS_STREAM: 'ERP_EVENTS',
      IDEMPOTENCY_WINDOW_HOURS: 24,
      GATEWAY_FUNCTIONS: new Set(['query', 'create-order']),
      PRUNE_BATCH_ROWS: 2000,
    });
    expect(() => readConfig(['IDEMPOTENCY_WINDOW_HOURS'], { env: { IDEMPOTENCY_WINDOW_HOURS: '12' } })).toThrow(/IDEMPOTENCY_WINDOW_HOURS/);
  });

  describe('secrets as files (faasd)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'erpbi-secrets-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a file under SECRETS_DIR stands in for its setting, before the environment', () => {
      writeFileSync(join(dir, 'database-url'), 'postgres://from-file@127.0.0.1/db\n');
      const env = { SECRETS_DIR: dir, DATABASE_URL: 'postgres://from-env@127.0.0.1/db' };
      expect(readConfig(['DATABASE_URL'], { env, required: ['DATABASE_URL'] }).DATABASE_URL).toBe('postgres://from-file@127.0.0.1/db');
      expect(readConfig(['DATABASE_URL'], { env: { ...env, SECRETS_DIR: join(dir, 'none') } }).DATABASE_URL).toBe('postgres://from-env@127.0.0.1/db');
    });

    it("DATABASE_ACCESS names the Postgres role's secret: read -> database-url-read, migrate -> database-url-migrate, else database-url", () => {
      writeFileSync(join(dir, 'database-url'), 'postgres://erpbi_app:a@postgres/erpbi');
      writeFileSync(join(dir, 'database-url-read'), 'postgres://erpbi_reader:r@postgres/erpbi');
      const url = (access?: string) => readConfig(['DATABASE_URL'], { env: { SECRETS_DIR: dir, ...(access ? { DATABASE_ACCESS: access } : {}) } }).DATABASE_URL;
      expect(url()).toBe('postgres://erpbi_app:a@postgres/erpbi');
      expect(url('read')).toBe('postgres://erpbi_reader:r@postgres/erpbi');
      // a function given only the reader's file never falls back to another role's: it says which file it wants
      expect(url('migrate')).toBeUndefined();
      const fn = { FUNCTION_NAME: 'query', AUTH_ISSUER: base.AUTH_ISSUER, NATS_URL: base.NATS_URL, SECRETS_DIR: join(dir, 'none'), DATABASE_ACCESS: 'read' };
      expect(() => functionConfig(fn)).toThrow(/DATABASE_URL \(or the secret database-url-read\) is required/);
      expect(() => functionConfig({ ...fn, DATABASE_ACCESS: 'admin', DATABASE_URL: base.DATABASE_URL })).toThrow(/bad configuration: DATABASE_ACCESS/);
    });

    it("S3_KEYS names the bucket's key pair: writer -> s3-writer-*, reader -> s3-reader-*; unset, the environment's alone", () => {
      writeFileSync(join(dir, 's3-writer-access-key-id'), 'W\n');
      writeFileSync(join(dir, 's3-writer-secret-access-key'), 'w-secret\n');
      writeFileSync(join(dir, 's3-reader-access-key-id'), 'R');
      writeFileSync(join(dir, 's3-reader-secret-access-key'), 'r-secret');
      const keys = ['S3_KEYS', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
      const pair = (env: Record<string, string>) => {
        const c = readConfig(keys, { env: { SECRETS_DIR: dir, ...env } });
        return [c.S3_ACCESS_KEY_ID, c.S3_SECRET_ACCESS_KEY];
      };
      expect(pair({ S3_KEYS: 'writer' })).toEqual(['W', 'w-secret']);
      expect(pair({ S3_KEYS: 'reader', S3_ACCESS_KEY_ID: 'env', S3_SECRET_ACCESS_KEY: 'env' })).toEqual(['R', 'r-secret']);
      // no admin files here: the admin's pair is not some other use's
      expect(pair({ S3_KEYS: 'admin' })).toEqual([undefined, undefined]);
      expect(pair({ S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' })).toEqual(['S3RVER', 'S3RVER']);
      expect(() => pair({ S3_KEYS: 'root' })).toThrow(/bad configuration: S3_KEYS/);
    });
  });
});
