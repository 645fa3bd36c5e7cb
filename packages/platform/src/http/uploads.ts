import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { routes } from '@portalkit/client/contract';
import type { FileRecord, FileService } from '@portalkit/storage';
import busboy from 'busboy';
import { ApiProblem } from './problem.js';

/** A multipart request body as a Node stream, with its headers. */
export interface MultipartRequest {
  /** The request headers (at least `content-type`). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body. */
  body: Readable | null;
}

/** Who uploads what where, for {@link receiveUpload}. */
export interface UploadTarget {
  /** The file service. */
  files: FileService;
  /** The tenant the file belongs to. */
  tenantId: string;
  /** The uploading user. */
  createdBy: string;
  /** Size limit in bytes (413 above it). */
  maxSize: number;
}

const isMultipart = (contentType: string | string[] | undefined) =>
  /^multipart\/form-data\b/i.test(String(Array.isArray(contentType) ? contentType[0] : (contentType ?? '')));

/**
 * Streams the `file` part of a `multipart/form-data` body straight into the file service (never
 * buffered whole). The text fields (`category`, `tags`) must come before the file; they are
 * validated with the contract's schema. 415 for another content type; 400 for a malformed body, a
 * missing file part, a field after the file, a second file or a file part under another name (a
 * file stored before the form turned out wrong is deleted again); the file service's errors (413,
 * 415) as they are.
 *
 * @example
 * ```ts
 * import { receiveUpload } from '@portalkit/platform/http';
 *
 * const file = await receiveUpload(
 *   { headers: req.headers, body: req },
 *   { files: platform.files, tenantId, createdBy: userId, maxSize: platform.config.maxFileSize },
 * );
 * ```
 */
export function receiveUpload(request: MultipartRequest, target: UploadTarget): Promise<FileRecord> {
  const { files, tenantId, createdBy, maxSize } = target;
  const source = request.body;
  if (!isMultipart(request.headers['content-type']) || !source) {
    return Promise.reject(
      new ApiProblem(415, 'unsupported_media_type', 'send the file as multipart/form-data in the field "file"'),
    );
  }
  return new Promise<FileRecord>((resolve, reject) => {
    const fields: Record<string, string | string[]> = {};
    let upload: Promise<FileRecord> | null = null;
    // The first thing wrong with the form's layout; the upload (if any) is then undone.
    let refused: ApiProblem | null = null;
    const refuse = (path: string, message: string) => {
      refused ??= new ApiProblem(400, 'validation_failed', 'the form is invalid', { errors: [{ path, message }] });
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers as IncomingHttpHeaders,
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 20, fieldSize: 4096, fileSize: maxSize + 1 },
      });
    } catch {
      reject(new ApiProblem(400, 'validation_failed', 'malformed multipart/form-data'));
      return;
    }
    parser.on('field', (name, value) => {
      // The file is stored as it streams: a field after it would come too late to apply.
      if (upload) return refuse(name, 'send the form fields before the file part');
      const prev = fields[name];
      fields[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    });
    parser.on('filesLimit', () => refuse('file', 'send exactly one file part'));
    parser.on('fieldsLimit', () => refuse('', 'too many form fields'));
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') refuse(name, 'unexpected file part (the file goes in the field "file")');
      if (refused || upload) {
        stream.resume();
        return;
      }
      const parsed = routes.uploadFile.body.safeParse(fields);
      if (!parsed.success) {
        stream.resume();
        upload = Promise.reject(
          new ApiProblem(400, 'validation_failed', 'the form fields are invalid', {
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
    parser.on('error', () => reject(new ApiProblem(400, 'validation_failed', 'malformed multipart/form-data')));
    parser.on('close', () => {
      const pending = upload as Promise<FileRecord> | null;
      const problem = refused as ApiProblem | null;
      if (problem) {
        // Nothing of a refused form stays: a file stored meanwhile is deleted again.
        if (!pending) return reject(problem);
        pending.then(
          (file) => files.softDelete(tenantId, file.id).then(() => reject(problem), reject),
          () => reject(problem),
        );
        return;
      }
      if (!pending) {
        reject(
          new ApiProblem(400, 'validation_failed', 'no file part', {
            errors: [{ path: 'file', message: 'required' }],
          }),
        );
        return;
      }
      pending.then(resolve, reject);
    });
    source.on('error', () => parser.destroy());
    source.pipe(parser);
  });
}
