export { isTenancyError, TenancyError, type TenancyErrorCode, type TenancyErrorOptions } from './errors.js';
