import { StorageError } from './errors.js';
import { validateKey, validatePrefix } from './keys.js';
import type { ListOptions, ListResult, StorageProvider } from './types.js';

/**
 * A provider confined to `prefix` (which must end with `/`): every key is relative to it, nothing
 * outside it can be read, written, listed or signed. Use it for tenant scoping
 * (`scoped(storage, \`tenants/${tenantId}/\`)`).
 *
 * @example
 * ```ts
 * const files = scoped(storage, 'tenants/t1/');
 * await files.put('logo.png', bytes); // writes tenants/t1/logo.png
 * ```
 */
export function scoped(storage: StorageProvider, prefix: string): StorageProvider {
  validatePrefix(prefix);
  if (prefix === '' || !prefix.endsWith('/')) {
    throw new StorageError(
      'invalid_key',
      `scoped() prefix must be non-empty and end with "/", got ${JSON.stringify(prefix)}`,
    );
  }
  const full = (key: string) => prefix + validateKey(key);
  const strip = (key: string) => key.slice(prefix.length);
  return {
    provider: storage.provider,
    put: async (key, body, options) => ({ ...(await storage.put(full(key), body, options)), key }),
    get: async (key, options) => ({ ...(await storage.get(full(key), options)), key }),
    stat: async (key) => ({ ...(await storage.stat(full(key))), key }),
    exists: (key) => storage.exists(full(key)),
    delete: (key) => storage.delete(full(key)),
    deleteMany: (keys) => storage.deleteMany(keys.map(full)),
    list: async (sub: string, options?: ListOptions): Promise<ListResult> => {
      validatePrefix(sub);
      const page = await storage.list(prefix + sub, options);
      return { cursor: page.cursor, items: page.items.map((i) => ({ ...i, key: strip(i.key) })) };
    },
    copy: (from, to) => storage.copy(full(from), full(to)),
    move: (from, to) => storage.move(full(from), full(to)),
    signedUrl: (key, options) => storage.signedUrl(full(key), options),
    publicUrl: (key) => storage.publicUrl(full(key)),
  };
}
