// The bench event, shared by the PostgreSQL bench (index.ts) and the CPU bench (cpu.ts): a user's
// upload in a request scope, which gives five personal commitments (actor id, IP, user agent,
// after.name and its changes entry).

/** The request scope of every bench event. */
export const sampleContext = {
  tenantId: 'bench',
  actor: { type: 'user' as const, id: 'u1' },
  ip: '203.0.113.7',
  userAgent: 'bench/1.0',
  requestId: 'r',
};

/** The i-th bench record() input. */
export const sampleInput = (i: number) => ({
  action: 'file.uploaded',
  resource: { type: 'file', id: `f${i}` },
  after: { name: `report-${i}.pdf`, size: 1000 + i, contentType: 'application/pdf' },
});
