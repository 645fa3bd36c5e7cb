/** A storage_files row as node-postgres returns it. */
export interface FileRow {
  id: string;
  name: string;
  size: string;
  content_type: string;
  checksum: string | null;
  category: string | null;
  tags: string[];
  status: string;
  created_at: Date;
  created_by: string | null;
}
/** The first-page query of kyselyFileStore.list: $1 tenant id, $2 page size + 1. */
export declare const FILES_PAGE_SQL: string;
/** The first `limit` rows as the API's file page (`nextCursor` is a marker when there are more). */
export declare function filesPage(
  rows: FileRow[],
  limit: number,
): { items: Array<Record<string, unknown>>; nextCursor: string | null };
