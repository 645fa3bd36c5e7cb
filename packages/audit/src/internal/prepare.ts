import type { JsonValue } from '../canonical-json.js';
import { getAuditContext } from '../context.js';
import { type AuditChange, diff } from '../diff.js';
import { AuditError } from '../errors.js';
import {
  type AuditActor,
  type PersonalEntry,
  type PreparedEvent,
  type RecordInput,
  recordInputSchema,
} from '../event.js';
import { commitPersonalValue } from '../hashing.js';
import { REDACTED } from '../redaction.js';
import { uuidv7 } from '../uuid-v7.js';
import { randomBase64url } from './random.js';
import { isValidRecordInput } from './validate.js';

export interface PrepareOptions {
  redact: (name: string) => boolean;
  personal: (name: string) => boolean;
  personResourceTypes: ReadonlySet<string>;
  now: () => Date;
}

function toJson(value: unknown, field: string): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return undefined;
    if (text.includes('\\u0000')) {
      throw new AuditError(
        'invalid_event',
        `${field} contains a NUL character, which databases cannot store (remove it)`,
      );
    }
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    if (error instanceof AuditError) throw error;
    throw new AuditError('invalid_event', `${field} is not JSON-serializable (pass plain data)`, { cause: error });
  }
}

function redactValue(value: JsonValue, matches: (name: string) => boolean): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, matches));
  const out: { [key: string]: JsonValue } = {};
  for (const k of Object.keys(value)) out[k] = matches(k) ? REDACTED : redactValue(value[k]!, matches);
  return out;
}

function salt(): string {
  return randomBase64url(16);
}

function collectPersonal(
  value: JsonValue,
  path: Array<string | number>,
  isPersonal: (name: string) => boolean,
  subject: string,
  out: PersonalEntry[],
): void {
  // Paths are built only for members that are personal or that can hold some (objects, arrays).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i]!;
      if (v !== null && typeof v === 'object') collectPersonal(v, [...path, i], isPersonal, subject, out);
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const k of Object.keys(value)) {
    const v = value[k]!;
    if (isPersonal(k) && v !== null && v !== REDACTED) {
      const s = salt();
      out.push({ path: [...path, k], subject, salt: s, commitment: commitPersonalValue(s, v) });
    } else if (v !== null && typeof v === 'object') {
      collectPersonal(v, [...path, k], isPersonal, subject, out);
    }
  }
}

/** Turns a record() input plus the current scope into an event ready to be chained. */
export function prepareEvent(input: RecordInput, options: PrepareOptions): PreparedEvent {
  // The hand-written check accepts exactly what the schema does; the schema words the error.
  const parsed = isValidRecordInput(input) ? null : recordInputSchema.safeParse(input);
  if (parsed && !parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuditError(
      'invalid_event',
      `invalid audit event: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'bad input'}`,
      { cause: parsed.error },
    );
  }
  const ctx = getAuditContext();
  if (!ctx && (input.tenantId === undefined || input.actor === undefined)) {
    throw new AuditError(
      'no_context',
      `record("${input.action}") ran outside an audit scope: wrap the request or job in runWithAuditContext(), or pass tenantId and actor explicitly`,
    );
  }
  const actor: AuditActor = input.actor ?? ctx?.actor ?? { type: 'system', id: null };
  const tenantId = input.tenantId !== undefined ? input.tenantId : (ctx?.tenantId ?? null);
  const ip = input.ip !== undefined ? input.ip : (ctx?.ip ?? null);
  const userAgent = input.userAgent !== undefined ? input.userAgent : (ctx?.userAgent ?? null);
  const requestId = input.requestId !== undefined ? input.requestId : (ctx?.requestId ?? null);
  const resource = { type: input.resource.type, id: input.resource.id ?? null };

  const rawBefore = toJson(input.before, 'before');
  const rawAfter = toJson(input.after, 'after');
  const changes: AuditChange[] = diff(rawBefore, rawAfter).map((c) => {
    if (c.path.some(options.redact)) {
      const out: AuditChange = { path: c.path };
      if (c.before !== undefined) out.before = REDACTED;
      if (c.after !== undefined) out.after = REDACTED;
      return out;
    }
    const out: AuditChange = { path: c.path };
    if (c.before !== undefined) out.before = redactValue(c.before, options.redact);
    if (c.after !== undefined) out.after = redactValue(c.after, options.redact);
    return out;
  });
  const before = rawBefore === undefined ? undefined : redactValue(rawBefore, options.redact);
  const after = rawAfter === undefined ? undefined : redactValue(rawAfter, options.redact);

  const actorSubject = actor.type === 'user' && actor.id ? actor.id : null;
  const resourceSubject = options.personResourceTypes.has(resource.type) && resource.id ? resource.id : null;
  const dataSubject = input.subjectIds?.[0] ?? resourceSubject ?? actorSubject;

  const personal: PersonalEntry[] = [];
  if (actorSubject) {
    const add = (path: string[], value: string | null) => {
      if (value === null) return;
      const s = salt();
      personal.push({ path, subject: actorSubject, salt: s, commitment: commitPersonalValue(s, value) });
    };
    add(['actor', 'id'], actor.id);
    add(['ip'], ip);
    add(['userAgent'], userAgent);
  }
  if (resourceSubject) {
    const s = salt();
    personal.push({
      path: ['resource', 'id'],
      subject: resourceSubject,
      salt: s,
      commitment: commitPersonalValue(s, resourceSubject),
    });
  }
  if (dataSubject) {
    if (before !== undefined) collectPersonal(before, ['before'], options.personal, dataSubject, personal);
    if (after !== undefined) collectPersonal(after, ['after'], options.personal, dataSubject, personal);
    changes.forEach((c, i) => {
      if (!c.path.some(options.personal)) {
        if (c.before !== undefined)
          collectPersonal(c.before, ['changes', i, 'before'], options.personal, dataSubject, personal);
        if (c.after !== undefined)
          collectPersonal(c.after, ['changes', i, 'after'], options.personal, dataSubject, personal);
        return;
      }
      for (const side of ['before', 'after'] as const) {
        const v = c[side];
        if (v === undefined || v === null || v === REDACTED) continue;
        const s = salt();
        personal.push({
          path: ['changes', i, side],
          subject: dataSubject,
          salt: s,
          commitment: commitPersonalValue(s, v),
        });
      }
    });
  }
  const subjects = [
    ...new Set([actorSubject, resourceSubject, ...(input.subjectIds ?? [])].filter((s): s is string => !!s)),
  ];

  const now = options.now();
  const event: PreparedEvent = {
    id: uuidv7(now.getTime()),
    tenantId,
    actor: { type: actor.type, id: actor.id },
    action: input.action,
    resource,
    changes,
    ip,
    userAgent,
    requestId,
    occurredAt: now.toISOString(),
    subjects,
    personal,
  };
  if (before !== undefined) event.before = before;
  if (after !== undefined) event.after = after;
  return event;
}
