import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, loadConfig } from '@portalkit/platform';
import { describe, expect, it } from 'vitest';

describe('createPlatform on embedded defaults', () => {
  it('runs on PGlite, local disk and in-process limits, with signed URLs served by the host', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-embedded-'));
    try {
      const platform = await createPlatform({ config: loadConfig({ DATA_DIR: dataDir }), background: false });
      try {
        expect(platform.database.kind).toBe('pglite');
        expect(platform.cache.kind).toBe('memory');
        expect(platform.signedUrls).not.toBeNull();
        expect(await platform.ready()).toMatchObject({ ready: true });
      } finally {
        await platform.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
