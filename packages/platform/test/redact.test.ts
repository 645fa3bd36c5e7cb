import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createPlatform, loadConfig } from '@portalkit/platform';
import { describe, expect, it } from 'vitest';
import { maskUrlPasswords, scrub } from '../src/redact.js';

describe('maskUrlPasswords', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app', ['s3cret']],
    ['postgres://app:50%off@db/app', 'postgres://app:***@db/app', ['50%off']], // no valid percent-encoding
    ['postgres://app:p%40ss@db/app', 'postgres://app:***@db/app', ['p%40ss', 'p@ss']],
    ['postgres://app:p@ss@db/app', 'postgres://app:***@db/app', ['p@ss']], // a raw @ in the password
    ['redis://:hunter2@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379', ['hunter2']],
    ['a://u:x@h and b://v:y@k', 'a://u:***@h and b://v:***@k', ['x', 'y']],
    ['postgres://app@db/app', 'postgres://app@db/app', []],
    ['./data', './data', []],
  ])('%s', (text, masked, passwords) => {
    expect(maskUrlPasswords(text)).toEqual({ masked, passwords });
  });

  it('scrub replaces every occurrence and ignores empty secrets', () => {
    expect(scrub('a 50%off b 50%off', ['50%off', ''])).toBe('a *** b ***');
  });
});

describe('secrets in start-up errors', () => {
  it('a DATABASE_URL password that is not valid percent-encoding never reaches the error', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pk-redact-'));
    try {
      const url = 'postgres://app:50%off@127.0.0.1:1/test';
      const error = await createPlatform({
        config: loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url }),
        background: false,
      }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error!.message).toContain('cannot open DATABASE_URL (postgres://app:***@127.0.0.1:1/test)');
      expect(error!.message).not.toContain('50%off');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a bad value echoed by the configuration error has its URL password masked', () => {
    const error = (() => {
      try {
        loadConfig({ PUBLIC_URL: 'https://admin:p@ssw0rd@app.example.com' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('PUBLIC_URL');
    expect(error!.message).toContain('https://admin:***@app.example.com');
    expect(error!.message).not.toContain('ssw0rd');
  });
});
