export { ApiError, type ApiErrorCode, type ApiErrorOptions, isApiError } from './errors.js';
