import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { routes } from '@portalkit/client/contract';
import type { FileRecord, FileService } from '@portalkit/storage';
import busboy from 'busboy';
import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { HttpProblem } from './problem.js';

/**
 * Streams the `file` part of the request's multipart/form-data body (the web stream Hono exposes)
 * into the file service without buffering it; `category` and `tags` must come before the file.
 */
export function multipartUpload(
  c: Context<AppEnv>,
  files: FileService,
  tenantId: string,
  createdBy: string,
  maxSize: number,
): Promise<FileRecord> {
  const contentType = c.req.header('content-type') ?? '';
  const body = c.req.raw.body;
  if (!/^multipart\/form-data\b/i.test(contentType) || !body) {
    throw new HttpProblem(415, 'unsupported_media_type', 'send the file as multipart/form-data in the field "file"');
  }
  return new Promise<FileRecord>((resolve, reject) => {
    const fields: Record<string, string | string[]> = {};
    let upload: Promise<FileRecord> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 20, fieldSize: 4096, fileSize: maxSize + 1 },
      });
    } catch {
      reject(new HttpProblem(400, 'validation_failed', 'malformed multipart/form-data'));
      return;
    }
    parser.on('field', (name, value) => {
      const prev = fields[name];
      fields[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || upload) {
        stream.resume();
        return;
      }
      const parsed = routes.uploadFile.body.safeParse(fields);
      if (!parsed.success) {
        stream.resume();
        upload = Promise.reject(
          new HttpProblem(400, 'validation_failed', 'the form fields are invalid', {
            errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          }),
        );
        upload.catch(() => {});
        return;
      }
      const { category, tags } = parsed.data as { category?: string; tags?: string[] };
      upload = files.upload(tenantId, stream, {
        name: info.filename || 'file',
        declaredType: info.mimeType,
        category,
        tags,
        createdBy,
      });
      upload.catch(() => stream.resume());
    });
    parser.on('error', () => reject(new HttpProblem(400, 'validation_failed', 'malformed multipart/form-data')));
    parser.on('close', () => {
      const pending = upload as Promise<FileRecord> | null;
      if (!pending) {
        reject(
          new HttpProblem(400, 'validation_failed', 'no file part', {
            errors: [{ path: 'file', message: 'required' }],
          }),
        );
        return;
      }
      pending.then(resolve, reject);
    });
    Readable.fromWeb(body as unknown as NodeWebStream<Uint8Array>)
      .on('error', () => parser.destroy())
      .pipe(parser);
  });
}
