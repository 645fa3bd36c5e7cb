/**
 * Anything the client can upload: a Blob/File, bytes (Buffer is a Uint8Array), or a stream (string
 * chunks of a Node Readable are sent as UTF-8).
 */
export type UploadSource = Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

const CHUNK = 64 * 1024;
const encoder = new TextEncoder();

export function isReplayable(source: UploadSource): source is Blob | ArrayBuffer | Uint8Array {
  return source instanceof Blob || source instanceof ArrayBuffer || ArrayBuffer.isView(source);
}

export function toBlob(source: Blob | ArrayBuffer | Uint8Array, type: string | undefined): Blob {
  if (source instanceof Blob) return source;
  return new Blob([source as BlobPart], type ? { type } : {});
}

/** A ReadableStream over a stream or an async iterable of byte chunks. */
export function toReadableStream(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else {
        // a Node Readable of strings (Readable.from(['...']), an encoding set) yields strings:
        // new Uint8Array('text') would be empty, so strings are sent as their UTF-8 bytes
        const chunk: unknown = next.value;
        controller.enqueue(
          typeof chunk === 'string'
            ? encoder.encode(chunk)
            : chunk instanceof Uint8Array
              ? chunk
              : new Uint8Array(chunk as ArrayBuffer),
        );
      }
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/**
 * A ReadableStream over a Blob that reports how many bytes were pulled by the transport, in
 * chunks of at most 64 KiB so progress is fine-grained.
 */
export function countingStream(blob: Blob, onChunk: (loaded: number) => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= blob.size) {
        controller.close();
        return;
      }
      const end = Math.min(offset + CHUNK, blob.size);
      const bytes = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
      offset = end;
      controller.enqueue(bytes);
      onChunk(offset);
    },
  });
}

function quote(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/"/g, '%22');
}

/**
 * Builds a streamed `multipart/form-data` body (text fields first, then the file part) without
 * buffering the file: for stream sources, which FormData cannot carry.
 */
export function streamingMultipart(
  fields: Array<[string, string]>,
  file: ReadableStream<Uint8Array>,
  fileName: string,
  contentType: string,
): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `----portalkit${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  let head = '';
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  }
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(fileName)}"\r\nContent-Type: ${contentType}\r\n\r\n`;
  const reader = file.getReader();
  let stage: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 'head') {
        stage = 'file';
        controller.enqueue(encoder.encode(head));
        return;
      }
      if (stage === 'file') {
        const next = await reader.read();
        if (!next.done) {
          controller.enqueue(next.value);
          return;
        }
        stage = 'done';
        controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
        return;
      }
      controller.close();
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
