import { tenantSettingsSchema as wireSettings } from '@portalkit/client/contract';
import { tenantSettingsSchema as storedSettings } from '@portalkit/tenancy';
import { describe, expect, it } from 'vitest';

// The contract (@portalkit/client, no server dependencies) restates the rules tenancy stores
// settings with: a body the contract accepts must never be refused by the store, and the reverse.
const samples: unknown[] = [
  {},
  { allowedOrigins: ['https://app.acme.com', 'https://*.acme.com', 'http://localhost:5173'] },
  { allowedOrigins: ['https://app.acme.com/path'] },
  { allowedOrigins: ['ftp://acme.com'] },
  { allowedOrigins: Array.from({ length: 101 }, (_, i) => `https://a${i}.acme.com`) },
  { customDomains: ['files.acme.com'] },
  { customDomains: ['Files.Acme.com'] },
  { customDomains: ['localhost'] },
  { branding: { displayName: 'Acme', logoUrl: 'https://acme.com/logo.png', primaryColor: '#1a2b3c' } },
  { branding: { logoUrl: 'http://acme.com/logo.png' } },
  { branding: { primaryColor: 'red' } },
  { branding: { displayName: '' } },
  { branding: { colour: '#000000' } },
  { limits: { maxMembers: 50, maxStorageBytes: 0, maxFileSizeBytes: 1024 } },
  { limits: { maxMembers: 0 } },
  { limits: { maxStorageBytes: -1 } },
  { limits: { maxFileSizeBytes: 1.5 } },
  { limits: { seats: 3 } },
  { theme: 'dark' },
  [],
  'dark',
];

describe('tenant settings: the contract and the tenancy store agree', () => {
  it.each(samples.map((s) => [JSON.stringify(s).slice(0, 80), s]))('%s', (_label, sample) => {
    const wire = wireSettings.safeParse(sample).success;
    expect(storedSettings.safeParse(sample).success).toBe(wire);
  });

  it('accepts and refuses some of the samples (the comparison is not vacuous)', () => {
    const accepted = samples.filter((s) => wireSettings.safeParse(s).success);
    expect(accepted.length).toBeGreaterThanOrEqual(4);
    expect(samples.length - accepted.length).toBeGreaterThanOrEqual(10);
  });
});
