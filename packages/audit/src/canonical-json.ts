import { AuditError } from './errors.js';

/** A JSON value: what events carry in `before`, `after` and `changes`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Serializes a JSON value as RFC 8785 (JSON Canonicalization Scheme) text: object members sorted
 * by the UTF-16 code units of their names, no whitespace, numbers in the shortest ECMAScript form
 * (`1e+30`, `4.5`, `0.002`) and strings escaped as `JSON.stringify` does. Object members whose value
 * is `undefined` are left out (as in JSON); `NaN`, `Infinity`, `undefined` array items, functions,
 * symbols and bigints are rejected with an `invalid_event` {@link AuditError}.
 *
 * @example
 * ```ts
 * import { canonicalJson } from '@portalkit/audit';
 *
 * canonicalJson({ b: [1e30, 4.5], a: 'x' }); // '{"a":"x","b":[1e+30,4.5]}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new AuditError(
          'invalid_event',
          `canonical JSON cannot represent the number ${value} (use a finite number or a string)`,
        );
      }
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          if (value[i] === undefined) {
            throw new AuditError('invalid_event', 'canonical JSON cannot represent undefined array items (use null)');
          }
          write(value[i], out);
        }
        out.push(']');
        return;
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is what RFC 8785 asks for.
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      out.push('{');
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(record[key], out);
      }
      out.push('}');
      return;
    }
    default:
      throw new AuditError('invalid_event', `canonical JSON cannot represent a ${typeof value} (pass plain JSON data)`);
  }
}
