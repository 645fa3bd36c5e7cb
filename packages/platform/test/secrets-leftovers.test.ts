import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpointKey, loadKeySet, loadSigningSecret } from '@portalkit/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pk-platform-secrets-leftovers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `name` in `dir`, last modified `ageMs` ago. */
async function leftover(name: string, ageMs: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, 'a secret', { mode: 0o600 });
  const at = new Date(Date.now() - ageMs);
  await utimes(path, at, at);
  return name;
}

describe('temporary copies of secrets a crash left in DATA_DIR', () => {
  it('are removed at start once a minute old; younger ones (a write in progress) and other files stay', async () => {
    const old = [
      await leftover(`.jwt-keys.json.${randomUUID()}.tmp`, 5 * 60_000),
      await leftover(`.storage-signing-secret.${randomUUID()}.tmp`, 2 * 60_000),
      await leftover(`.audit-checkpoint-key.pem.${randomUUID()}.tmp`, 24 * 60 * 60_000),
    ];
    const kept = [
      await leftover(`.jwt-keys.json.${randomUUID()}.tmp`, 5_000),
      await leftover('.jwt-keys.json.not-a-uuid.tmp', 5 * 60_000),
      await leftover(`.other.${randomUUID()}.tmp`, 5 * 60_000),
    ];
    await loadKeySet(undefined, dir);
    await loadSigningSecret(undefined, dir);
    await loadCheckpointKey(undefined, dir);
    const names = await readdir(dir);
    for (const name of old) expect(names).not.toContain(name);
    expect(names.sort()).toEqual(
      [...kept, 'jwt-keys.json', 'storage-signing-secret', 'audit-checkpoint-key.pem'].sort(),
    );
  });

  it('are removed also when the secret itself is already kept (a crash after the link)', async () => {
    await loadKeySet(undefined, dir);
    await leftover(`.jwt-keys.json.${randomUUID()}.tmp`, 5 * 60_000);
    await loadKeySet(undefined, dir);
    expect(await readdir(dir)).toEqual(['jwt-keys.json']);
  });
});
