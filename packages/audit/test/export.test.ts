import { Readable } from 'node:stream';
import {
  type AuditEvent,
  type AuditStore,
  auditEventSchema,
  CSV_COLUMNS,
  computeEventHash,
  createAuditLog,
  csvCell,
  memoryAuditStore,
  runWithAuditContext,
} from '@portalkit/audit';
import { describe, expect, it } from 'vitest';

/** A small RFC 4180 parser for the assertions. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

async function seeded(n: number) {
  const store = memoryAuditStore();
  const audit = createAuditLog({ store });
  await runWithAuditContext(
    { tenantId: 't1', actor: { type: 'user', id: 'u1' }, ip: '10.0.0.1', userAgent: 'UA, "quoted"\r\nline' },
    async () => {
      for (let i = 0; i < n; i += 100) {
        await audit.recordMany(
          Array.from({ length: Math.min(100, n - i) }, (_, j) => ({
            action: 'file.uploaded',
            resource: { type: 'file', id: `f${i + j}` },
            after: { title: i + j === 0 ? '=HYPERLINK("http://evil")' : `doc ${i + j}` },
          })),
        );
      }
    },
  );
  return { store, audit };
}

describe('CSV cells', () => {
  it('neutralizes spreadsheet formulas and quotes per RFC 4180', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('export', () => {
  it('streams CSV with a header, one record per event, newest first, parseable back', async () => {
    const { audit } = await seeded(3);
    let text = '';
    for await (const chunk of audit.export({ tenantId: 't1', format: 'csv' })) text += chunk;
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(4);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    expect(rows.slice(1).map((r) => r[col('resourceId')])).toEqual(['f2', 'f1', 'f0']);
    expect(rows[1]![col('userAgent')]).toBe('UA, "quoted"\r\nline');
    // JSON cells start with { or [ and keep their content; the formula inside stays inert text.
    expect(JSON.parse(rows[3]![col('after')]!)).toEqual({ title: '=HYPERLINK("http://evil")' });
  });

  it('streams NDJSON events that validate and verify offline', async () => {
    const { audit } = await seeded(120);
    const chunks: string[] = [];
    for await (const chunk of audit.export({ tenantId: 't1', format: 'ndjson', action: 'file.uploaded' }))
      chunks.push(chunk);
    const events = chunks
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => auditEventSchema.parse(JSON.parse(l)));
    expect(events).toHaveLength(120);
    for (const e of events) expect(computeEventHash(e as AuditEvent)).toBe(e.hash);
  });

  it('reads page by page as the consumer pulls (constant memory), as a Node stream and a web stream', async () => {
    const { store, audit } = await seeded(2000);
    let queries = 0;
    const counting: AuditStore = {
      ...store,
      query: (q) => {
        queries++;
        return store.query(q);
      },
    };
    const lazy = createAuditLog({ store: counting });
    const it = lazy.export({ tenantId: 't1', format: 'ndjson' });
    await it.next();
    expect(queries).toBe(1);
    await it.next();
    expect(queries).toBe(2); // of the 4 pages the whole export needs
    await it.return(undefined);

    let lines = 0;
    for await (const chunk of Readable.from(audit.exportReadable({ tenantId: 't1', format: 'ndjson' }))) {
      lines += String(chunk).split('\n').length - 1;
    }
    expect(lines).toBe(2000);
    const web = await new Response(audit.exportWebStream({ tenantId: 't1', format: 'csv' })).text();
    expect(parseCsv(web).length - 1).toBe(2000);
  });
});
