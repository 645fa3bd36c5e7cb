import { memoryTokenStorage, webTokenStorage } from '@portalkit/client';
import { describe, expect, it } from 'vitest';

function fakeWebStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('token storage', () => {
  it('keeps tokens in memory', async () => {
    const storage = memoryTokenStorage();
    expect(await storage.get()).toBeNull();
    await storage.set({ accessToken: 'a', refreshToken: 'r' });
    expect(await storage.get()).toEqual({ accessToken: 'a', refreshToken: 'r' });
    await storage.set(null);
    expect(await storage.get()).toBeNull();
  });

  it('persists tokens in Web Storage under a key and removes them on sign-out', () => {
    const web = fakeWebStorage();
    const storage = webTokenStorage(web, 'app.tokens');
    storage.set({ accessToken: 'a', refreshToken: 'r', expiresAt: 5 });
    expect(JSON.parse(web.data.get('app.tokens')!)).toEqual({ accessToken: 'a', refreshToken: 'r', expiresAt: 5 });
    expect(webTokenStorage(web, 'app.tokens').get()).toEqual({ accessToken: 'a', refreshToken: 'r', expiresAt: 5 });
    storage.set(null);
    expect(web.data.has('app.tokens')).toBe(false);
  });

  it('treats damaged entries as signed out', () => {
    const web = fakeWebStorage();
    const storage = webTokenStorage(web);
    web.setItem('portalkit.tokens', '{not json');
    expect(storage.get()).toBeNull();
    web.setItem('portalkit.tokens', JSON.stringify({ accessToken: 1 }));
    expect(storage.get()).toBeNull();
  });
});
