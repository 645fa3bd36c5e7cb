import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

describe('browser safety', () => {
  it('imports nothing but zod and its own modules (no Node built-ins, no other packages)', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      for (const specifier of specifiers) {
        expect(
          specifier === 'zod' || specifier!.startsWith('./') || specifier!.startsWith('../'),
          `${file}: ${specifier}`,
        ).toBe(true);
      }
      expect(text, file).not.toMatch(/\b(?:process|Buffer|require)\s*[.(]/);
    }
  });
});
