import { routes } from '@portalkit/client/contract';
import type { FileRecord, FileService } from '@portalkit/storage';
import busboy from 'busboy';
import type { Request } from 'express';
import { HttpProblem } from './problem.js';

/**
 * Streams the `file` part of a multipart/form-data request straight into the file service (never
 * buffered whole); `category` and `tags` fields must come before it. Validated with the contract.
 */
export function multipartUpload(
  req: Request,
  files: FileService,
  tenantId: string,
  createdBy: string,
  maxSize: number,
): Promise<FileRecord> {
  if (!req.is('multipart/form-data')) {
    throw new HttpProblem(415, 'unsupported_media_type', 'send the file as multipart/form-data in the field "file"');
  }
  return new Promise<FileRecord>((resolve, reject) => {
    const fields: Record<string, string | string[]> = {};
    let upload: Promise<FileRecord> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
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
      // The service stops reading at the limit: drain the rest so the request can end.
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
    req.pipe(parser);
  });
}
