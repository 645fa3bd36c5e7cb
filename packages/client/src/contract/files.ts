import { z } from 'zod';
import { idSchema, pageQuerySchema, timestampSchema } from './primitives.js';

/**
 * A MIME type such as `image/png` or `application/pdf` (parameters allowed).
 *
 * @example
 * ```ts
 * import { contentTypeSchema } from '@portalkit/client/contract';
 *
 * contentTypeSchema.parse('image/png');
 * ```
 */
export const contentTypeSchema = z
  .string()
  .max(255)
  .regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a MIME type such as image/png')
  .meta({ description: 'MIME type.', examples: ['image/png'] });

const fileNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .meta({ description: 'Original file name (sanitized by the server before use).', examples: ['report.pdf'] });

const categorySchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .meta({ description: 'Free-form category, 1..64 characters.', examples: ['invoices'] });

const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^,]+$/, 'must not contain commas')
  .meta({ description: 'Tag, 1..64 characters, no commas.', examples: ['2026'] });

/**
 * A stored file's metadata. `checksum` is the lowercase hex SHA-256 of the bytes (null while a
 * direct upload is pending); `status` is `pending` until a direct upload is completed.
 *
 * @example
 * ```ts
 * import { fileSchema } from '@portalkit/client/contract';
 *
 * const { name, size } = fileSchema.parse(json.file);
 * ```
 */
export const fileSchema = z.object({
  /** File id. */
  id: idSchema,
  /** Original file name. */
  name: z.string(),
  /** Size in bytes. */
  size: z.number().int().nonnegative().meta({ description: 'Size in bytes.' }),
  /** MIME type (as detected from the bytes). */
  contentType: z.string(),
  /** SHA-256 of the bytes, lowercase hex; null while pending. */
  checksum: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .meta({ description: 'SHA-256 of the bytes, lowercase hex.' }),
  /** Category, or null. */
  category: z.string().nullable(),
  /** Tags. */
  tags: z.array(z.string()),
  /** `pending` until a direct upload is completed, then `ready`. */
  status: z.enum(['pending', 'ready']),
  /** When the file was created. */
  createdAt: timestampSchema,
  /** User id of the uploader (null for system uploads). */
  createdBy: idSchema.nullable().meta({ description: 'User id of the uploader.' }),
});

/**
 * A stored file's metadata.
 *
 * @example
 * ```ts
 * import type { FileRecord } from '@portalkit/client/contract';
 *
 * const kb = (f: FileRecord) => Math.ceil(f.size / 1024);
 * ```
 */
export type FileRecord = z.output<typeof fileSchema>;

/**
 * The optional text fields of the multipart upload (`POST /api/v1/tenants/:tenantId/files`),
 * next to the `file` part. `tags` may be one comma-separated field, repeated fields, or an array
 * (after parsing: a de-duplicated array of at most 20 tags). Unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { uploadFieldsSchema } from '@portalkit/client/contract';
 *
 * uploadFieldsSchema.parse({ category: 'invoices', tags: 'q1,paid' }); // { category: 'invoices', tags: ['q1', 'paid'] }
 * ```
 */
export const uploadFieldsSchema = z.strictObject({
  /** Category of the file. */
  category: categorySchema.optional(),
  /** Tags: comma-separated, repeated fields, or an array. */
  tags: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((t) => t.trim()).filter(Boolean))
    .pipe(
      z
        .array(tagSchema)
        .max(20, 'at most 20 tags')
        .transform((tags) => [...new Set(tags)]),
    )
    .optional(),
});

/**
 * Body of `POST /api/v1/tenants/:tenantId/files/uploads`: announce a direct upload.
 *
 * @example
 * ```ts
 * import { createUploadBodySchema } from '@portalkit/client/contract';
 *
 * createUploadBodySchema.parse({ name: 'photo.png', size: 1024, contentType: 'image/png' });
 * ```
 */
export const createUploadBodySchema = z.strictObject({
  /** File name. */
  name: fileNameSchema,
  /** Exact size in bytes. */
  size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).meta({ description: 'Exact size in bytes.' }),
  /** Declared MIME type (the server checks the bytes on completion). */
  contentType: contentTypeSchema,
});

/**
 * Answer of `POST /api/v1/tenants/:tenantId/files/uploads` (201): where and how to PUT the bytes.
 *
 * @example
 * ```ts
 * import { createUploadResponseSchema } from '@portalkit/client/contract';
 *
 * const { fileId, upload } = createUploadResponseSchema.parse(await res.json());
 * await fetch(upload.url, { method: upload.method, headers: upload.headers, body: blob });
 * ```
 */
export const createUploadResponseSchema = z.object({
  /** Id of the pending file; pass it to completeUpload. */
  fileId: idSchema,
  /** How to send the bytes. */
  upload: z.object({
    /** Always `PUT`. */
    method: z.literal('PUT'),
    /** Signed URL. */
    url: z.url().meta({ description: 'Signed URL to send the bytes to.' }),
    /** Headers the PUT must carry (e.g. content-type). */
    headers: z.record(z.string(), z.string()).meta({ description: 'Headers the PUT must carry.' }),
  }),
  /** When the signed URL stops working. */
  expiresAt: timestampSchema,
});

/**
 * Answer of a direct-upload announcement.
 *
 * @example
 * ```ts
 * import type { CreateUploadResponse } from '@portalkit/client/contract';
 *
 * const expiresIn = (u: CreateUploadResponse) => Date.parse(u.expiresAt) - Date.now();
 * ```
 */
export type CreateUploadResponse = z.output<typeof createUploadResponseSchema>;

/**
 * Answer `{ file }`.
 *
 * @example
 * ```ts
 * import { fileResponseSchema } from '@portalkit/client/contract';
 *
 * const { file } = fileResponseSchema.parse(await res.json());
 * ```
 */
export const fileResponseSchema = z.object({
  /** The file. */
  file: fileSchema,
});

/**
 * Query of `GET /api/v1/tenants/:tenantId/files`: pagination plus `category`, `tag` and `q`
 * (name contains, case-insensitive).
 *
 * @example
 * ```ts
 * import { listFilesQuerySchema } from '@portalkit/client/contract';
 *
 * listFilesQuerySchema.parse({ limit: '50', tag: 'q1' });
 * ```
 */
export const listFilesQuerySchema = pageQuerySchema.extend({
  /** Only files of this category. */
  category: categorySchema.optional(),
  /** Only files with this tag. */
  tag: tagSchema.optional(),
  /** Name contains (case-insensitive). */
  q: z.string().min(1).max(255).optional().meta({ description: 'Name contains (case-insensitive).' }),
});
