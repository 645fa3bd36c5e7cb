export { AuthError, type AuthErrorCode, type AuthErrorOptions, isAuthError } from './errors.js';
