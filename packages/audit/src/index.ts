export { AuditError, type AuditErrorCode, type AuditErrorOptions, isAuditError } from './errors.js';
