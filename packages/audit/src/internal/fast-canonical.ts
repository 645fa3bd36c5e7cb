// The hot path of hashing: `canonicalJson(hashedBody(event))` in one pass, without building the
// hashed body's copies (hashedBody copies the containers along every personal path). The output is
// byte-identical to the general functions (a property test compares them on random events); any
// shape this writer does not handle falls back to them.
import { canonicalJson } from '../canonical-json.js';
import { AuditError } from '../errors.js';
import type { AuditEvent } from '../event.js';

/**
 * A node of the replacement tree built from the personal paths. The tree depends only on the paths,
 * so it is built once per distinct set of paths and cached; the replacement texts come from the
 * event's own commitments (`leaf` is the index of the personal entry whose path ends here).
 */
interface Node {
  /** Index into `event.personal` when a path ends here. */
  leaf?: number;
  /** Children by path element (as `String(key)`, the way `replaceAt` addresses members). */
  next?: Map<string, Node>;
  /** The original path element of this node, for array positions (`replaceAt` uses `Number(key)`). */
  raw?: string | number;
}

/** The replacement tree of one set of personal paths, and the canonical text of the paths themselves. */
interface Template {
  root: Node;
  /** Canonical text of `personalPaths`; undefined when it cannot be written (the writer then throws in order). */
  paths: string | undefined;
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
type Personal = Omit<AuditEvent, 'hash'>['personal'];

/** Replacement text of a leaf: canonical `{"commitment":"..."}`. */
function leafText(personal: Personal, leaf: number): string {
  return `{"commitment":${str(personal[leaf]!.commitment)}}`;
}

function write(value: unknown, node: Node | undefined, personal: Personal): string {
  switch (typeof value) {
    case 'string':
      return str(value);
    case 'number':
      return num(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value, node, personal);
      return writeObject(value as Record<string, unknown>, node, personal);
    }
    default:
      // Same error as the general writer (functions, symbols, bigints, undefined).
      return canonicalJson(value);
  }
}

function writeArray(value: unknown[], node: Node | undefined, personal: Personal): string {
  let byIndex: Map<number, Node> | undefined;
  if (node?.next) {
    byIndex = new Map();
    for (const child of node.next.values()) {
      const i = Number(child.raw);
      if (Number.isInteger(i) && i >= 0 && i < value.length) byIndex.set(i, child);
    }
  }
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    const child = byIndex?.get(i);
    if (child?.leaf !== undefined) {
      out += leafText(personal, child.leaf);
      continue;
    }
    const v = value[i];
    if (v === undefined) {
      throw new AuditError('invalid_event', 'canonical JSON cannot represent undefined array items (use null)');
    }
    out += write(v, child, personal);
  }
  return `${out}]`;
}

function writeObject(record: Record<string, unknown>, node: Node | undefined, personal: Personal): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const child = node?.next?.get(key);
    let text: string;
    if (child?.leaf !== undefined) text = leafText(personal, child.leaf);
    else {
      const v = record[key];
      if (v === undefined) continue;
      text = write(v, child, personal);
    }
    const quoted = quotedKey(key);
    out += first ? quoted + text : `,${quoted}${text}`;
    first = false;
  }
  return `${out}}`;
}

/** `"key":` texts of member names seen before (names repeat from event to event). Bounded. */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = `${str(key)}:`;
    if (quotedKeys.size >= 10_000) quotedKeys.clear();
    quotedKeys.set(key, q);
  }
  return q;
}

/**
 * The replacement tree of a set of personal paths, or `null` when the paths overlap (one is a
 * prefix of another, or two name the same place): `hashedBody` applies them one after the other,
 * which only the general path reproduces.
 */
function replacementTree(personal: Personal): Node | null {
  const root: Node = {};
  for (let p = 0; p < personal.length; p++) {
    const path = personal[p]!.path;
    if (path.length === 0) return null;
    let node = root;
    for (let d = 0; d < path.length; d++) {
      if (node.leaf !== undefined) return null;
      const raw = path[d]!;
      const key = String(raw);
      node.next ??= new Map();
      let child = node.next.get(key);
      if (!child) {
        // Two different elements that address the same array position ("1" and "01") overlap.
        if (typeof raw !== 'number' && String(Number(raw)) !== key && Number.isInteger(Number(raw))) return null;
        child = { raw };
        node.next.set(key, child);
      }
      node = child;
    }
    if (node.leaf !== undefined || node.next) return null;
    node.leaf = p;
  }
  return root;
}

/** Templates by path signature (see {@link signature}); `null` for overlapping paths. Bounded. */
const templates = new Map<string, Template | null>();

/** An unambiguous text key of a list of paths: numbers as `#n`, strings length-prefixed. */
function signature(personal: Personal): string {
  let sig = '';
  for (const entry of personal) {
    for (const el of entry.path) sig += typeof el === 'number' ? `#${el},` : `${(el as string).length}:${el},`;
    sig += ';';
  }
  return sig;
}

/** The paths of the last template looked up, and that template: consecutive events usually share them. */
let lastPaths: Array<ReadonlyArray<string | number>> = [];
let lastTemplate: Template | null = null;

/** True when `personal` lists exactly `lastPaths` (same elements, same types, same order). */
function sameAsLast(personal: Personal): boolean {
  if (personal.length !== lastPaths.length) return false;
  for (let i = 0; i < personal.length; i++) {
    const a = personal[i]!.path;
    const b = lastPaths[i]!;
    if (a.length !== b.length) return false;
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  }
  return true;
}

function template(personal: Personal): Template | null {
  if (lastTemplate !== null && sameAsLast(personal)) return lastTemplate;
  const t = lookUpTemplate(personal);
  // Copies of the paths: the event's own arrays may change later (erasure rewrites events).
  lastPaths = personal.map((p) => p.path.slice());
  lastTemplate = t;
  return t;
}

function lookUpTemplate(personal: Personal): Template | null {
  const sig = signature(personal);
  let t = templates.get(sig);
  if (t !== undefined) return t;
  const root = replacementTree(personal);
  if (root === null) t = null;
  else {
    let paths: string | undefined;
    try {
      paths = write(
        personal.map((p) => p.path),
        undefined,
        personal,
      );
    } catch {
      paths = undefined;
    }
    t = { root, paths };
  }
  if (templates.size >= 1000) templates.clear();
  templates.set(sig, t);
  return t;
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
  const personal = event.personal;
  const t = template(personal);
  if (!t) return null;
  const top = t.root.next;
  let out = '{';
  let first = true;
  for (const key of BODY_KEYS) {
    const child = top?.get(key);
    if (child?.leaf !== undefined) {
      // A personal path replaced the whole member (it exists in the body then, even if undefined).
      if ((key === 'before' || key === 'after') && event[key] === undefined) continue;
      out += first ? QUOTED.get(key)! : `,${QUOTED.get(key)!}`;
      out += leafText(personal, child.leaf);
      first = false;
      continue;
    }
    let text: string;
    switch (key) {
      case 'actor':
        text = write({ type: event.actor.type, id: event.actor.id }, child, personal);
        break;
      case 'resource':
        text = write({ type: event.resource.type, id: event.resource.id }, child, personal);
        break;
      case 'personalPaths':
        // The cached text holds unless a personal path points inside personalPaths.
        text =
          (child === undefined ? t.paths : undefined) ??
          write(
            personal.map((p) => p.path),
            child,
            personal,
          );
        break;
      default: {
        const value = event[key];
        // hashedBody leaves out absent before/after; canonicalJson any other undefined member.
        if (value === undefined) continue;
        text = write(value, child, personal);
      }
    }
    out += first ? QUOTED.get(key)! : `,${QUOTED.get(key)!}`;
    out += text;
    first = false;
  }
  return `${out}}`;
}
