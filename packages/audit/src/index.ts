export {
  type AuditLog,
  type AuditLogOptions,
  type AuditPage,
  type AuditQuery,
  type ChainPurgeResult,
  createAuditLog,
  DEFAULT_PERSONAL_FIELDS,
  ERASED,
  type ErasureResult,
  type PurgeChainOptions,
  type PurgedChain,
  type PurgeOptions,
  type PurgeResult,
} from './audit-log.js';
export type { AuditLogger, BufferOptions, BufferStats, OverflowPolicy } from './buffered-writer.js';
export { canonicalJson, type JsonValue } from './canonical-json.js';
export {
  type CheckpointKeyPair,
  type CheckpointKeys,
  checkpointPayload,
  generateCheckpointKeys,
} from './checkpoints.js';
export { type AuditContext, getAuditContext, runWithAuditContext, updateAuditContext } from './context.js';
export { type AuditChange, diff } from './diff.js';
export { AuditError, type AuditErrorCode, type AuditErrorOptions, isAuditError } from './errors.js';
export {
  type AuditActor,
  type AuditActorType,
  type AuditEvent,
  type AuditResource,
  auditActorSchema,
  auditEventSchema,
  auditResourceSchema,
  type PersonalEntry,
  type PreparedEvent,
  type RecordInput,
  recordInputSchema,
} from './event.js';
export { CSV_COLUMNS, csvCell, csvRow, type ExportFormat, formatEvents } from './export.js';
export {
  commitPersonalValue,
  computeEventHash,
  GENESIS_HASH,
  hashedBody,
  personalValuesIntact,
  valueAt,
} from './hashing.js';
export { type MemoryAuditStore, memoryAuditStore } from './memory-store.js';
export { DEFAULT_REDACT_FIELDS, type FieldPattern, fieldMatcher, REDACTED, redact } from './redaction.js';
export type {
  AppendOptions,
  AuditStore,
  ChainHead,
  ChainQuery,
  ChainSummary,
  Checkpoint,
  StoreQuery,
} from './store.js';
export { uuidv7, uuidv7Time } from './uuid-v7.js';
export type { VerifyFailure, VerifyOptions, VerifyResult } from './verify.js';
