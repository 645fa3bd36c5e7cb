// The hot path of hashing: `canonicalJson(hashedBody(event))` in one pass, without building the
// hashed body's copies (hashedBody copies the containers along every personal path). The output is
// byte-identical to the general functions (a property test compares them on random events); any
// shape this writer does not handle falls back to them.
import { canonicalJson } from '../canonical-json.js';
import { AuditError } from '../errors.js';
import type { AuditEvent } from '../event.js';

/** A node of the replacement tree built from the personal paths. */
interface Node {
  /** Replacement text (canonical `{"hmac":"..."}`) when a path ends here. */
  text?: string;
  /** Children by path element (as `String(key)`, the way `replaceAt` addresses members). */
  next?: Map<string, Node>;
  /** Original path elements of the children, for array positions (`replaceAt` uses `Number(key)`). */
  keys?: Map<string, string | number>;
}

/** Characters JSON.stringify escapes in a string: quote, backslash, controls, (lone) surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to detect.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  return s.length < 64 && !NEEDS_ESCAPE.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** Canonical JSON of a string (the same text as `canonicalJson(s)`, tested). */
export const canonicalString: (s: string) => string = str;

function num(n: number): string {
  if (!Number.isFinite(n)) {
    throw new AuditError(
      'invalid_event',
      `canonical JSON cannot represent the number ${n} (use a finite number or a string)`,
    );
  }
  return JSON.stringify(n);
}

/** Canonical text of a JSON value, with the replacements of `node` applied (same rules as canonicalJson). */
function write(value: unknown, node: Node | undefined): string {
  switch (typeof value) {
    case 'string':
      return str(value);
    case 'number':
      return num(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value, node);
      return writeObject(value as Record<string, unknown>, node);
    }
    default:
      // Same error as the general writer (functions, symbols, bigints, undefined).
      return canonicalJson(value);
  }
}

function writeArray(value: unknown[], node: Node | undefined): string {
  let byIndex: Map<number, Node> | undefined;
  if (node?.next) {
    byIndex = new Map();
    for (const [k, child] of node.next) {
      const i = Number(node.keys!.get(k));
      if (Number.isInteger(i) && i >= 0 && i < value.length) byIndex.set(i, child);
    }
  }
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    const child = byIndex?.get(i);
    if (child?.text !== undefined) {
      out += child.text;
      continue;
    }
    const v = value[i];
    if (v === undefined) {
      throw new AuditError('invalid_event', 'canonical JSON cannot represent undefined array items (use null)');
    }
    out += write(v, child);
  }
  return `${out}]`;
}

function writeObject(record: Record<string, unknown>, node: Node | undefined): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const child = node?.next?.get(key);
    let text: string;
    if (child?.text !== undefined) text = child.text;
    else {
      const v = record[key];
      if (v === undefined) continue;
      text = write(v, child);
    }
    out += first ? `${str(key)}:${text}` : `,${str(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The replacement tree of an event's personal paths, or `null` when the paths overlap (one is a
 * prefix of another, or two name the same place): `hashedBody` applies them one after the other,
 * which only the general path reproduces.
 */
function replacementTree(event: Omit<AuditEvent, 'hash'>): Node | null {
  const root: Node = {};
  for (const entry of event.personal) {
    if (entry.path.length === 0) return null;
    let node = root;
    for (let d = 0; d < entry.path.length; d++) {
      if (node.text !== undefined) return null;
      const raw = entry.path[d]!;
      const key = String(raw);
      node.next ??= new Map();
      node.keys ??= new Map();
      let child = node.next.get(key);
      if (!child) {
        // Two different elements that address the same array position ("1" and "01") overlap.
        if (typeof raw !== 'number' && String(Number(raw)) !== key && Number.isInteger(Number(raw))) return null;
        child = {};
        node.next.set(key, child);
        node.keys.set(key, raw);
      }
      node = child;
    }
    if (node.text !== undefined || node.next) return null;
    node.text = `{"hmac":${str(entry.commitment)}}`;
  }
  return root;
}

/** The members of the hashed body, in canonical (sorted) order. */
const BODY_KEYS = [
  'action',
  'actor',
  'after',
  'before',
  'changes',
  'id',
  'ip',
  'occurredAt',
  'personalPaths',
  'prevHash',
  'requestId',
  'resource',
  'seq',
  'tenantId',
  'userAgent',
] as const;
const QUOTED = new Map<string, string>(BODY_KEYS.map((k) => [k, `${JSON.stringify(k)}:`]));

/**
 * `canonicalJson(hashedBody(event))`, computed in one pass; `null` when the event's personal
 * paths overlap (the caller then uses the general functions).
 */
export function canonicalHashedBody(event: Omit<AuditEvent, 'hash'>): string | null {
  const tree = replacementTree(event);
  if (!tree) return null;
  const top = tree.next;
  let out = '{';
  let first = true;
  for (const key of BODY_KEYS) {
    let value: unknown;
    switch (key) {
      case 'actor':
        value = { type: event.actor.type, id: event.actor.id };
        break;
      case 'resource':
        value = { type: event.resource.type, id: event.resource.id };
        break;
      case 'personalPaths':
        value = event.personal.map((p) => p.path);
        break;
      default:
        value = event[key];
    }
    const child = top?.get(key);
    // hashedBody leaves out absent before/after; canonicalJson any other undefined member, unless
    // a personal path replaced it (the member exists in the body then).
    if (value === undefined && (key === 'before' || key === 'after' || child?.text === undefined)) continue;
    out += first ? QUOTED.get(key)! : `,${QUOTED.get(key)!}`;
    out += child?.text !== undefined ? child.text : write(value, child);
    first = false;
  }
  return `${out}}`;
}
