import { ApiError } from '../errors.js';
import { abortedError } from './retry.js';
import { codeForStatus } from './transport.js';

/** The part of XMLHttpRequest the direct upload uses (browsers). */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  timeout: number;
  status: number;
  upload: { onprogress: ((event: { loaded: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  ontimeout: (() => void) | null;
  onabort: (() => void) | null;
}

/**
 * PUTs a Blob with XMLHttpRequest, which reports real upload progress in every browser (fetch
 * cannot, and streamed fetch bodies are not portable). The browser sets Content-Length itself.
 */
export function xhrPut(
  Xhr: new () => XhrLike,
  url: string,
  headers: Record<string, string>,
  blob: Blob,
  onProgress: (loaded: number) => void,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<void> {
  const what = `PUT ${new URL(url).origin} (direct upload)`;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const xhr = new Xhr();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) xhr.timeout = timeoutMs;
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else {
        const code = codeForStatus(xhr.status);
        reject(new ApiError(code, `${what} answered ${xhr.status} ${code}`, { status: xhr.status }));
      }
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError('network_error', `${what} failed: no answer from the storage provider`));
    };
    xhr.ontimeout = () => {
      done();
      reject(new ApiError('timeout', `${what} got no answer within ${timeoutMs} ms`));
    };
    xhr.onabort = () => {
      done();
      reject(signal?.aborted ? abortedError(signal) : new ApiError('aborted', `${what} was aborted`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(blob);
  });
}
