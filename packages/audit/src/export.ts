import type { AuditEvent } from './event.js';

/**
 * Column order of the CSV export.
 *
 * @example
 * ```ts
 * import { CSV_COLUMNS } from '@portalkit/audit';
 *
 * const actorColumn = CSV_COLUMNS.indexOf('actorId');
 * ```
 */
export const CSV_COLUMNS = [
  'id',
  'tenantId',
  'seq',
  'occurredAt',
  'actorType',
  'actorId',
  'action',
  'resourceType',
  'resourceId',
  'ip',
  'userAgent',
  'requestId',
  'changes',
  'before',
  'after',
  'prevHash',
  'hash',
] as const;

/**
 * One CSV cell per RFC 4180, safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return gets a leading `'` so it is not run as a formula; cells containing a
 * comma, quote, CR or LF are quoted with inner quotes doubled. `null`/`undefined` give an empty cell.
 *
 * @example
 * ```ts
 * import { csvCell } from '@portalkit/audit';
 *
 * csvCell('=HYPERLINK("x")'); // `"'=HYPERLINK(""x"")"`
 * ```
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One event as a CSV record (with the trailing CRLF), columns in {@link CSV_COLUMNS} order;
 * `changes`, `before` and `after` are JSON text.
 *
 * @example
 * ```ts
 * import { CSV_COLUMNS, csvCell, csvRow } from '@portalkit/audit';
 *
 * const text = CSV_COLUMNS.map(csvCell).join(',') + '\r\n' + events.map(csvRow).join('');
 * ```
 */
export function csvRow(e: AuditEvent): string {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return `${[
    e.id,
    e.tenantId,
    e.seq,
    e.occurredAt,
    e.actor.type,
    e.actor.id,
    e.action,
    e.resource.type,
    e.resource.id,
    e.ip,
    e.userAgent,
    e.requestId,
    json(e.changes),
    json(e.before),
    json(e.after),
    e.prevHash,
    e.hash,
  ]
    .map(csvCell)
    .join(',')}\r\n`;
}

/** Export formats. */
export type ExportFormat = 'csv' | 'ndjson';

/**
 * Turns an (async) iterable of events into text chunks of the given format: CSV starts with a
 * header record; NDJSON is one complete event (all fields, so it can be verified offline) per
 * line. Chunks are produced one page at a time, so memory stays flat whatever the size.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { formatEvents } from '@portalkit/audit';
 *
 * Readable.from(formatEvents(events, 'ndjson')).pipe(res);
 * ```
 */
export async function* formatEvents(
  events: AsyncIterable<AuditEvent[]> | Iterable<AuditEvent[]>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.map(csvCell).join(',')}\r\n`;
  for await (const page of events) {
    if (page.length === 0) continue;
    yield format === 'csv' ? page.map(csvRow).join('') : page.map((e) => `${JSON.stringify(e)}\n`).join('');
  }
}
