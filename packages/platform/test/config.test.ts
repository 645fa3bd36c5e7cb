import { join, resolve } from 'node:path';
import { generateCheckpointKeys } from '@portalkit/audit';
import { exportSigningKey, generateSigningKey } from '@portalkit/auth';
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
    expect(err.message).toContain('  PORT: must be a whole number between 1 and 65535 (got "eighty")');
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
    expect(err.issues).toEqual([
      { variable: 'STORAGE_BUCKET', message: 'required when STORAGE_PROVIDER is s3' },
      { variable: 'STORAGE_REGION', message: 'required when STORAGE_PROVIDER is s3 (an AWS region such as eu-west-1)' },
    ]);
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

  describe("an operator's mistakes, each one line naming the variable", () => {
    /** The issues of one bad environment, as `VARIABLE: message` lines. */
    const lines = (env: Record<string, string>) => failure(env).issues.map((i) => `${i.variable}: ${i.message}`);

    it('PORT 0 would put port 0 into every link: refused like 70000', () => {
      expect(lines({ PORT: '0' })).toEqual(['PORT: must be at least 1 (got "0")']);
      expect(lines({ PORT: '70000' })).toEqual(['PORT: must be at most 65535 (got "70000")']);
      expect(lines({ PORT: 'abc' })).toEqual(['PORT: must be a whole number between 1 and 65535 (got "abc")']);
    });

    it('HOST must be an IP address or a host name', () => {
      expect(lines({ HOST: 'not a host!!' })).toEqual([
        'HOST: must be an IP address or a host name (got "not a host!!")',
      ]);
      expect(lines({ HOST: 'http://example.com' })).toEqual([
        'HOST: must be an IP address or a host name (got "http://example.com")',
      ]);
      for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'api-1.internal.example.com']) {
        expect(loadConfig({ HOST: host }).host).toBe(host);
      }
    });

    it('PUBLIC_URL: a base for links, without credentials, query or fragment; a path is kept', () => {
      expect(loadConfig({ PUBLIC_URL: 'https://example.com/app/' }).publicUrl).toBe('https://example.com/app');
      const err = failure({ PUBLIC_URL: 'https://admin:pa55word@example.com' });
      expect(err.issues.map((i) => i.variable)).toEqual(['PUBLIC_URL']);
      expect(err.message).not.toContain('pa55word');
      expect(lines({ PUBLIC_URL: 'https://example.com/?x=1' })).toEqual([
        'PUBLIC_URL: must be the public base URL without user, password, query or fragment (got "https://example.com/?x=1")',
      ]);
      expect(lines({ PUBLIC_URL: 'https://example.com/#top' })[0]).toMatch(/^PUBLIC_URL: must be the public base URL/);
      expect(lines({ PUBLIC_URL: 'example.com' })).toEqual([
        'PUBLIC_URL: must be a http(s) URL (http:// or https://) (got "example.com")',
      ]);
    });

    it('an object-store setting without STORAGE_PROVIDER is refused instead of silently storing on local disk', () => {
      expect(lines({ STORAGE_BUCKET: 'portalkit-files', STORAGE_REGION: 'eu-west-1' })).toEqual([
        'STORAGE_BUCKET: is not used by the local provider: set STORAGE_PROVIDER (s3, digitalocean, linode, vultr, s3-compatible)',
        'STORAGE_REGION: is not used by the local provider: set STORAGE_PROVIDER (s3, digitalocean, linode, vultr, s3-compatible)',
      ]);
      expect(
        lines({
          STORAGE_PROVIDER: 's3',
          STORAGE_BUCKET: 'portalkit-files',
          STORAGE_REGION: 'eu-west-1',
          STORAGE_LOCAL_ROOT: '/srv/files',
        }),
      ).toEqual(['STORAGE_LOCAL_ROOT: is not used by STORAGE_PROVIDER s3']);
    });

    it("each provider's required and unused settings are named (what @portalkit/storage would refuse at start-up)", () => {
      expect(lines({ STORAGE_PROVIDER: 's3', STORAGE_BUCKET: 'portalkit-files' })).toEqual([
        'STORAGE_REGION: required when STORAGE_PROVIDER is s3 (an AWS region such as eu-west-1)',
      ]);
      expect(lines({ STORAGE_PROVIDER: 's3-compatible', STORAGE_BUCKET: 'portalkit-files' })).toEqual([
        'STORAGE_ENDPOINT: required when STORAGE_PROVIDER is s3-compatible',
      ]);
      expect(
        lines({ STORAGE_PROVIDER: 'digitalocean', STORAGE_BUCKET: 'portalkit-files', STORAGE_REGION: 'eu-west-1' }),
      ).toEqual(['STORAGE_REGION: a Spaces region such as nyc3, ams3, sgp1, fra1 (got "eu-west-1")']);
      expect(
        lines({
          STORAGE_PROVIDER: 'linode',
          STORAGE_BUCKET: 'portalkit-files',
          STORAGE_REGION: 'nl-ams-1',
          STORAGE_FORCE_PATH_STYLE: 'true',
          STORAGE_ENDPOINT: 'https://x.example.com',
        }),
      ).toEqual([
        'STORAGE_ENDPOINT: is not used by STORAGE_PROVIDER linode',
        'STORAGE_FORCE_PATH_STYLE: is not used by STORAGE_PROVIDER linode',
      ]);
      expect(lines({ STORAGE_PROVIDER: 's3', STORAGE_BUCKET: 'Bad_Bucket!', STORAGE_REGION: 'eu-west-1' })).toEqual([
        'STORAGE_BUCKET: bucket names are 3-63 lower-case letters, digits, dots and hyphens (got "Bad_Bucket!")',
      ]);
      // Missing bucket and another bad value: both reported at once.
      expect(lines({ STORAGE_PROVIDER: 'vultr', PORT: 'x' }).sort()).toEqual([
        'PORT: must be a whole number between 1 and 65535 (got "x")',
        'STORAGE_BUCKET: required when STORAGE_PROVIDER is vultr',
        'STORAGE_REGION: required when STORAGE_PROVIDER is vultr (a Vultr Object Storage region such as ewr1, sjc1, ams1)',
      ]);
    });

    it('half a credential pair is refused, not silently replaced by the default credential chain', () => {
      const base = { STORAGE_PROVIDER: 's3', STORAGE_BUCKET: 'portalkit-files', STORAGE_REGION: 'eu-west-1' };
      expect(lines({ ...base, STORAGE_ACCESS_KEY_ID: 'AKIAEXAMPLE' })).toEqual([
        'STORAGE_SECRET_ACCESS_KEY: required when STORAGE_ACCESS_KEY_ID is set',
      ]);
      const err = failure({ ...base, STORAGE_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret' });
      expect(err.issues).toEqual([
        { variable: 'STORAGE_ACCESS_KEY_ID', message: 'required when STORAGE_SECRET_ACCESS_KEY is set' },
      ]);
      expect(err.message).not.toContain('wJalrXUtnFEMI');
      expect(
        loadConfig({ ...base, STORAGE_ACCESS_KEY_ID: 'AKIAEXAMPLE', STORAGE_SECRET_ACCESS_KEY: 'x' }).storage,
      ).toMatchObject({
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: 'x',
      });
    });

    it('STORAGE_SIGNING_SECRET needs the 32 characters the storage package requires', () => {
      const err = failure({ STORAGE_SIGNING_SECRET: 'sixteen-chars-ok-not-32' });
      expect(err.issues).toEqual([{ variable: 'STORAGE_SIGNING_SECRET', message: 'must be at least 32 characters' }]);
      expect(err.message).not.toContain('sixteen-chars');
      expect(loadConfig({ STORAGE_SIGNING_SECRET: 'x'.repeat(32) }).storageSigningSecret).toBe('x'.repeat(32));
    });

    it('JWT_PRIVATE_KEYS: its shape is checked at start-up, naming the key, never echoing it', async () => {
      const jwk = await exportSigningKey(await generateSigningKey({ kid: 'k1' }));
      expect(loadConfig({ JWT_PRIVATE_KEYS: JSON.stringify([jwk]) }).jwtPrivateKeys).toBe(JSON.stringify([jwk]));
      const { d, ...publicOnly } = jwk;
      const cases: Array<[unknown, string]> = [
        ['{"d":"c2VjcmV0"', 'must be a JSON array of private JWKs (EdDSA or ES256, each with kid), newest first'],
        [[], 'must list at least one key'],
        [[jwk, null], 'key 2 must be a private JWK (EdDSA or ES256) with kid and d'],
        [[publicOnly], 'key 1 (kid "k1") must be a private JWK (EdDSA or ES256) with kid and d'],
        [[{ ...jwk, alg: 'RS256' }], 'key 1 (kid "k1") must be a private JWK (EdDSA or ES256) with kid and d'],
        [[jwk, jwk], 'key 2 repeats kid "k1" (give every key its own kid)'],
      ];
      for (const [value, message] of cases) {
        const raw = typeof value === 'string' ? value : JSON.stringify(value);
        const err = failure({ JWT_PRIVATE_KEYS: raw });
        expect(err.issues, raw).toEqual([{ variable: 'JWT_PRIVATE_KEYS', message }]);
        expect(err.message).not.toContain(String(d));
        expect(err.message).not.toContain('c2VjcmV0');
      }
    });

    it('AUDIT_CHECKPOINT_KEY must be an Ed25519 private key (PEM, \\n escapes accepted)', () => {
      const { privateKey } = generateCheckpointKeys();
      expect(loadConfig({ AUDIT_CHECKPOINT_KEY: privateKey.replace(/\n/g, '\\n') }).auditCheckpointKey).toBeDefined();
      const err = failure({ AUDIT_CHECKPOINT_KEY: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----' });
      expect(err.issues).toEqual([
        { variable: 'AUDIT_CHECKPOINT_KEY', message: 'must be an Ed25519 private key in PKCS#8 PEM' },
      ]);
      expect(err.message).not.toContain('c2VjcmV0');
    });

    it('MAIL_FROM must be an address, optionally with a name', () => {
      expect(lines({ MAIL_FROM: 'not an address' })).toEqual([
        'MAIL_FROM: must be an e-mail address, optionally as "Name <address>" (got "not an address")',
      ]);
      expect(loadConfig({ MAIL_FROM: 'Acme <no-reply@acme.example>' }).mailFrom).toBe('Acme <no-reply@acme.example>');
      expect(loadConfig({ MAIL_FROM: 'no-reply@acme.example' }).mailFrom).toBe('no-reply@acme.example');
    });

    it('STORAGE_ALLOWED_TYPES takes type/* as @portalkit/storage does, and refuses anything else that is no MIME type', () => {
      expect(loadConfig({ STORAGE_ALLOWED_TYPES: 'image/*, application/pdf' }).allowedTypes).toEqual([
        'image/*',
        'application/pdf',
      ]);
      for (const bad of ['*', 'image', 'image/png;q=1', '*/png']) {
        expect(lines({ STORAGE_ALLOWED_TYPES: bad }), bad).toEqual([
          `STORAGE_ALLOWED_TYPES: must be a comma-separated list of MIME types (type/subtype, or type/* for a whole family) (got ${JSON.stringify(bad)})`,
        ]);
      }
    });

    it('an echoed URL never shows a password', () => {
      const err = failure({ STORAGE_ENDPOINT: 'ftp://minio:s3cr3t-pw@storage.internal' });
      expect(err.message).toContain('STORAGE_ENDPOINT: must be a http(s) URL');
      expect(err.message).not.toContain('s3cr3t-pw');
    });

    it('relative DATA_DIR and MAIL_DIR are resolved against the working directory', () => {
      const config = loadConfig({ DATA_DIR: 'var/data', MAIL_DIR: 'var/mail', STORAGE_LOCAL_ROOT: 'var/files' });
      expect(config).toMatchObject({
        dataDir: resolve('var/data'),
        mailDir: resolve('var/mail'),
        storage: { root: resolve('var/files') },
      });
    });
  });
});
