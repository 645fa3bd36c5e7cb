// A hand-written check of record() input for the hot path: true exactly when recordInputSchema
// accepts the input (property-tested against the zod schema). Invalid input goes through the zod
// schema, which produces the error, so errors stay as they were.

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** zod's `max` on strings counts code points (a surrogate pair is one), not UTF-16 units. */
function atMost(s: string, max: number): boolean {
  if (s.length <= max) return true;
  if (s.length > 2 * max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return false;
  return true;
}

function isId(v: unknown): boolean {
  return typeof v === 'string' && v.length >= 1 && atMost(v, 512);
}

function isOptionalText(v: unknown, max: number): boolean {
  return v === undefined || v === null || (typeof v === 'string' && atMost(v, max));
}

/** True when `recordInputSchema.safeParse(input).success` would be. */
export function isValidRecordInput(input: unknown): boolean {
  if (!isObject(input)) return false;
  const { action, resource, tenantId, actor, subjectIds } = input;
  if (typeof action !== 'string' || !atMost(action, 128) || !ACTION.test(action)) return false;
  if (!isObject(resource)) return false;
  const type = resource.type;
  if (typeof type !== 'string' || type.length < 1 || !atMost(type, 128)) return false;
  const id = resource.id;
  if (id !== undefined && id !== null && !isId(id)) return false;
  if (tenantId !== undefined && tenantId !== null && !isId(tenantId)) return false;
  if (actor !== undefined) {
    if (!isObject(actor)) return false;
    const t = actor.type;
    if (t !== 'user' && t !== 'api_key' && t !== 'system') return false;
    if (actor.id !== null && !isId(actor.id)) return false;
  }
  if (subjectIds !== undefined) {
    if (!Array.isArray(subjectIds) || subjectIds.length > 1000) return false;
    for (let i = 0; i < subjectIds.length; i++) if (!isId(subjectIds[i])) return false;
  }
  return isOptionalText(input.requestId, 256) && isOptionalText(input.ip, 128) && isOptionalText(input.userAgent, 2048);
}
