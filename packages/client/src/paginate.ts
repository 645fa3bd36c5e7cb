import type { Page } from './contract/primitives.js';

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** Stop after this many pages. @default Infinity */
  maxPages?: number;
}

/**
 * Walks every page of a paginated list route and yields its items one by one, following
 * `nextCursor` until it is `null`. Pages are fetched lazily: breaking out of the loop fetches
 * no further page.
 *
 * @param fetchPage - Fetches one page given the cursor (`undefined` for the first page).
 * @param options - Page limit.
 * @returns An async iterator over every item.
 *
 * @example
 * ```ts
 * import { paginate } from '@portalkit/client';
 *
 * for await (const file of paginate((cursor) => client.files.list(tenantId, { cursor, limit: 100 }))) {
 *   console.log(file.name);
 * }
 * ```
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  let cursor: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (page.nextCursor === null || page.nextCursor === undefined) return;
    cursor = page.nextCursor;
  }
}
