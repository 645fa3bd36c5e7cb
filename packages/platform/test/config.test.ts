import { join, resolve } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '@portalkit/platform';
import { describe, expect, it } from 'vitest';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, { name: 'test-server' });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set (embedded mode)', () => {
    const config = loadConfig({}, { name: 'test-server' });
    expect(config).toMatchObject({
      name: 'test-server',
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:3000',
      dataDir: resolve('./data'),
      mailDir: join(resolve('./data'), 'mail'),
      databaseUrl: undefined,
      redisUrl: undefined,
      redisPrefix: 'portalkit:',
      storage: { provider: 'local', root: join(resolve('./data'), 'files') },
      maxFileSize: 10 * 1024 * 1024,
      logLevel: 'info',
      sweepIntervalMs: 60_000,
      auditRetentionDays: undefined,
      auditRetentionIntervalMs: 3_600_000,
      auditDeletedTenantDays: 30,
      trustProxy: false,
    });
    expect(config.allowedTypes).toEqual([
      'image/png',
      'image/jpeg',
      'image/webp',
      'image/gif',
      'application/pdf',
      'text/plain',
    ]);
  });

  it('reads every service variable, treats empty values as unset and trims the public URL', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '::1',
      PUBLIC_URL: 'https://api.example.com/',
      DATABASE_URL: 'postgres://u@db/app',
      REDIS_URL: 'redis://cache:6379',
      STORAGE_PROVIDER: 's3-compatible',
      STORAGE_BUCKET: 'files',
      STORAGE_ENDPOINT: 'http://127.0.0.1:9000',
      STORAGE_FORCE_PATH_STYLE: 'yes',
      STORAGE_ALLOWED_TYPES: ' Image/PNG , text/csv ',
      SMTP_URL: '',
      AUDIT_RETENTION_DAYS: '365',
      TRUST_PROXY: '1',
    });
    expect(config).toMatchObject({
      name: 'platform',
      port: 8080,
      publicUrl: 'https://api.example.com',
      databaseUrl: 'postgres://u@db/app',
      redisUrl: 'redis://cache:6379',
      storage: { provider: 's3-compatible', bucket: 'files', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
      allowedTypes: ['image/png', 'text/csv'],
      smtpUrl: undefined,
      auditRetentionDays: 365,
      trustProxy: 1,
    });
    expect(loadConfig({ HOST: '::1', PORT: '81' }).publicUrl).toBe('http://[::1]:81');
  });

  it('lists every bad variable on its own line, naming the server', () => {
    const err = failure({
      PORT: 'eighty',
      STORAGE_PROVIDER: 'ftp',
      LOG_LEVEL: 'loud',
      STORAGE_ALLOWED_TYPES: 'png',
      AUDIT_RETENTION_DAYS: '0',
      TRUST_PROXY: 'maybe',
    });
    expect(err.message.split('\n')[0]).toBe('[portalkit/test-server] invalid configuration:');
    expect(err.issues.map((i) => i.variable).sort()).toEqual(
      ['AUDIT_RETENTION_DAYS', 'LOG_LEVEL', 'PORT', 'STORAGE_ALLOWED_TYPES', 'STORAGE_PROVIDER', 'TRUST_PROXY'].sort(),
    );
    expect(err.message).toContain('  PORT: must be a whole number between 0 and 65535 (got "eighty")');
    expect(err.message).toContain(
      '  STORAGE_PROVIDER: must be one of local, s3, digitalocean, linode, vultr, s3-compatible',
    );
    expect(err.message).toContain('  AUDIT_RETENTION_DAYS: must be at least 1 (got "0")');
    expect(err.message).toContain(
      '  TRUST_PROXY: must be false, true, the number of proxies in front of the server (0..20), or a comma-separated list of proxy addresses or CIDR ranges (got "maybe")',
    );
  });

  it("reads TRUST_PROXY as no proxy, a hop count or the proxies' addresses", () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('true')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 192.0.2.7,::1, fd00::/8')).toEqual(['10.0.0.0/8', '192.0.2.7', '::1', 'fd00::/8']);
    for (const bad of ['21', '10.0.0.0/33', 'fd00::/129', 'proxy.internal', '10.0.0.1/8/1', '10.0.0.1,']) {
      expect(
        failure({ TRUST_PROXY: bad }).issues.map((i) => i.variable),
        bad,
      ).toEqual(['TRUST_PROXY']);
    }
  });

  it('never echoes a secret value', () => {
    const err = failure({
      DATABASE_URL: 'mysql://root:hunter2@db/app',
      REDIS_URL: 'memcached://s3cret',
      SMTP_URL: 'http://user:pa55@mail',
      STORAGE_SIGNING_SECRET: 'short',
    });
    expect(err.issues.map((i) => i.variable).sort()).toEqual(
      ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'STORAGE_SIGNING_SECRET'].sort(),
    );
    expect(err.message).toContain('DATABASE_URL: must be a PostgreSQL or MongoDB URL');
    for (const secret of ['hunter2', 's3cret', 'pa55', 'short"']) expect(err.message).not.toContain(secret);
  });

  it('requires a bucket for an object-store provider', () => {
    const err = failure({ STORAGE_PROVIDER: 's3' });
    expect(err.issues).toEqual([{ variable: 'STORAGE_BUCKET', message: 'required when STORAGE_PROVIDER is s3' }]);
  });

  it('reads AUDIT_DELETED_TENANT_DAYS (0..3650) and names it in its error', () => {
    expect(loadConfig({ AUDIT_DELETED_TENANT_DAYS: '0' }).auditDeletedTenantDays).toBe(0);
    expect(loadConfig({ AUDIT_DELETED_TENANT_DAYS: ' 3650 ' }).auditDeletedTenantDays).toBe(3650);
    expect(loadConfig({ AUDIT_DELETED_TENANT_DAYS: '' }).auditDeletedTenantDays).toBe(30);
    expect(CONFIG_VARIABLES).toContain('AUDIT_DELETED_TENANT_DAYS');
    const messages = (value: string) => failure({ AUDIT_DELETED_TENANT_DAYS: value }).issues;
    expect(messages('3651')).toEqual([
      { variable: 'AUDIT_DELETED_TENANT_DAYS', message: 'must be at most 3650 (got "3651")' },
    ]);
    for (const bad of ['-1', '1.5', 'thirty']) {
      expect(messages(bad), bad).toEqual([
        { variable: 'AUDIT_DELETED_TENANT_DAYS', message: `must be a whole number between 0 and 3650 (got "${bad}")` },
      ]);
    }
  });

  it('accepts mongodb:// and knows the name of every variable it reads', () => {
    expect(loadConfig({ DATABASE_URL: 'mongodb://127.0.0.1:27017/app' }).databaseUrl).toBe(
      'mongodb://127.0.0.1:27017/app',
    );
    expect(CONFIG_VARIABLES).toContain('AUDIT_RETENTION_DAYS');
    expect(CONFIG_VARIABLES).toContain('JWT_PRIVATE_KEYS');
  });
});
