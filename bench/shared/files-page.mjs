// The least any server can do for the reference API's files list: the SQL of kyselyFileStore.list
// (first page, no filter) and its rows mapped to the wire shape of a file page. Shared by
// bench/server's floor servers (plain Node) and bench/platform's baseline.

/** The first-page query of kyselyFileStore.list: $1 tenant id, $2 page size + 1. */
export const FILES_PAGE_SQL = `select * from storage_files where tenant_id = $1 and status = 'ready'
  order by created_at desc, id desc limit $2`;

/** The first `limit` rows as the API's file page (`nextCursor` is a marker when there are more). */
export function filesPage(rows, limit) {
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    name: r.name,
    size: Number(r.size),
    contentType: r.content_type,
    checksum: r.checksum,
    category: r.category,
    tags: r.tags,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  }));
  return { items, nextCursor: rows.length > limit ? 'next' : null };
}
