import type {
  AggregateOptions,
  AggregationCursor,
  BulkWriteOptions,
  Collection,
  CountDocumentsOptions,
  DeleteOptions,
  DeleteResult,
  Document,
  Filter,
  FindCursor,
  FindOneAndDeleteOptions,
  FindOneAndReplaceOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  InsertManyResult,
  InsertOneOptions,
  InsertOneResult,
  OptionalUnlessRequiredId,
  ReplaceOptions,
  UpdateFilter,
  UpdateOptions,
  UpdateResult,
  WithId,
  WithoutId,
} from 'mongodb';
import { tenantScope } from '../context.js';
import { TenancyError } from '../errors.js';

/**
 * Options of {@link scopedCollection}.
 *
 * @example
 * ```ts
 * const options: ScopedCollectionOptions = { field: 'tenantId' };
 * ```
 */
export interface ScopedCollectionOptions {
  /**
   * The tenant field of the documents.
   * @default 'tenantId'
   */
  field?: string;
}

/**
 * A MongoDB collection seen through the tenant in context: the subset of the `Collection` API
 * that can be scoped safely. There is deliberately no `estimatedDocumentCount`, `bulkWrite`,
 * `watch` or index management: use the raw collection (platform code) for those.
 *
 * @example
 * ```ts
 * const documents: ScopedCollection<Doc> = scopedCollection(db.collection<Doc>('documents'));
 * ```
 */
export interface ScopedCollection<T extends Document> {
  /** The wrapped collection (unscoped: platform code only). */
  readonly unscoped: Collection<T>;
  /**
   * `find` with the tenant added to the filter. On the returned cursor `filter()` throws
   * `unsupported_query` (it would replace the scoped filter); `clone()` stays scoped.
   */
  find(filter?: Filter<T>, options?: FindOptions): FindCursor<WithId<T>>;
  /** `findOne` with the tenant added to the filter. */
  findOne(filter?: Filter<T>, options?: FindOptions): Promise<WithId<T> | null>;
  /** `countDocuments` with the tenant added to the filter. */
  countDocuments(filter?: Filter<T>, options?: CountDocumentsOptions): Promise<number>;
  /** `distinct` with the tenant added to the filter. */
  distinct(key: string, filter?: Filter<T>): Promise<unknown[]>;
  /** `insertOne`; the tenant field is set, and a document naming another tenant is refused. */
  insertOne(doc: OptionalUnlessRequiredId<T>, options?: InsertOneOptions): Promise<InsertOneResult<T>>;
  /** `insertMany`; same rule for every document (checked before anything is written). */
  insertMany(
    docs: ReadonlyArray<OptionalUnlessRequiredId<T>>,
    options?: BulkWriteOptions,
  ): Promise<InsertManyResult<T>>;
  /** `updateOne` on the tenant's documents; an update that touches the tenant field is refused. */
  updateOne(filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions): Promise<UpdateResult<T>>;
  /** `updateMany` on the tenant's documents. */
  updateMany(filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions): Promise<UpdateResult<T>>;
  /** `replaceOne` on the tenant's documents; the replacement gets the tenant field. */
  replaceOne(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options?: ReplaceOptions,
  ): Promise<UpdateResult<T> | Document>;
  /** `deleteOne` on the tenant's documents. */
  deleteOne(filter?: Filter<T>, options?: DeleteOptions): Promise<DeleteResult>;
  /** `deleteMany` on the tenant's documents. */
  deleteMany(filter?: Filter<T>, options?: DeleteOptions): Promise<DeleteResult>;
  /** `findOneAndUpdate` (driver v6: returns the document) on the tenant's documents. */
  findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options?: FindOneAndUpdateOptions,
  ): Promise<WithId<T> | null>;
  /** `findOneAndReplace` on the tenant's documents. */
  findOneAndReplace(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options?: FindOneAndReplaceOptions,
  ): Promise<WithId<T> | null>;
  /** `findOneAndDelete` on the tenant's documents. */
  findOneAndDelete(filter: Filter<T>, options?: FindOneAndDeleteOptions): Promise<WithId<T> | null>;
  /**
   * `aggregate` with `{ $match: { tenantId } }` put first. Stages that read or write other
   * collections (`$lookup`, `$graphLookup`, `$unionWith`, `$out`, `$merge`) are refused with
   * `unsupported_query`: run them on scoped collections separately. The returned cursor checks
   * stages added later (`addStage`, `lookup`, `out`...) the same way; `clone()` stays checked.
   */
  aggregate<R extends Document = Document>(pipeline: Document[], options?: AggregateOptions): AggregationCursor<R>;
}

const CROSS_COLLECTION = new Set(['$lookup', '$graphLookup', '$unionWith', '$out', '$merge']);
const UPDATE_OPERATORS_SETTING = new Set(['$set', '$setOnInsert']);

/**
 * A plain object (literal or `Object.create(null)`) without `toBSON`: what the checks can read
 * exactly as the driver will serialize it. A `Map`, a class instance or a `toBSON` method would
 * let the driver send something else than what was checked.
 */
const isPlainDocument = (v: unknown): v is Document => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !('toBSON' in v);
};
const notPlain = (what: string) =>
  new TenancyError(
    'unsupported_query',
    `${what} must be a plain object (no Map, class instance or toBSON) for the tenant scope to check it`,
  );

/**
 * Wraps a MongoDB collection so every operation is confined to the tenant in context
 * (`runWithTenant` (from `@portalkit/tenancy`)): filters get `{ tenantId }` (ANDed, so a caller's own `tenantId`
 * condition cannot widen it), inserts and replacements get the field set, updates may not
 * change it, aggregations start with a `$match`. Without a tenant every operation throws
 * `no_tenant`; inside `dangerouslyBypassTenantScope` (from `@portalkit/tenancy`) nothing is scoped. A document or update
 * naming another tenant throws `tenant_mismatch`.
 *
 * @example
 * ```ts
 * import { runWithTenant } from '@portalkit/tenancy';
 * import { scopedCollection } from '@portalkit/tenancy/mongodb';
 *
 * const notes = scopedCollection(db.collection<{ tenantId: string; text: string }>('notes'));
 * await runWithTenant(tenant, async () => {
 *   await notes.insertOne({ text: 'hello' } as never); // tenantId is set for you
 *   return notes.find({}).toArray(); // only this tenant's notes
 * });
 * ```
 */
export function scopedCollection<T extends Document>(
  collection: Collection<T>,
  options: ScopedCollectionOptions = {},
): ScopedCollection<T> {
  const field = options.field ?? 'tenantId';

  /** The tenant id, `null` inside the platform bypass; throws without a tenant. */
  const tenant = (): string | null => {
    const scope = tenantScope();
    if (scope.kind === 'tenant') return scope.tenantId;
    if (scope.kind === 'platform') return null;
    throw new TenancyError(
      'no_tenant',
      `an operation on the tenant collection "${collection.collectionName}" ran with no tenant in scope: wrap it in runWithTenant(tenant, fn)`,
    );
  };
  const filter = (f: Filter<T> | undefined): Filter<T> => {
    const t = tenant();
    if (t === null) return f ?? {};
    if (f !== undefined && !isPlainDocument(f)) throw notPlain('a filter');
    // A caller's own top-level condition on the field is kept and ANDed (it can only narrow);
    // otherwise the equality is merged at the top level, where an upsert also copies it.
    if (f && field in f && f[field] !== t) return { $and: [{ [field]: t }, f] } as Filter<T>;
    return { ...(f ?? {}), [field]: t } as Filter<T>;
  };
  const mismatch = () =>
    new TenancyError(
      'tenant_mismatch',
      `a document may not name another tenant in "${field}" (leave it out: the scope sets it)`,
    );
  const doc = <D extends Document>(d: D): D => {
    const t = tenant();
    if (t === null) return d;
    if (d === null || typeof d !== 'object') throw new TenancyError('invalid_input', 'a document must be an object');
    if (!isPlainDocument(d)) throw notPlain('a document');
    if (field in d && d[field] !== t) throw mismatch();
    return { ...d, [field]: t };
  };
  const update = (
    u: UpdateFilter<T> | Document[],
    upsert: boolean | undefined,
    f: Filter<T> | undefined,
  ): UpdateFilter<T> => {
    const t = tenant();
    if (t === null) return u as UpdateFilter<T>;
    if (Array.isArray(u)) {
      throw new TenancyError(
        'unsupported_query',
        'pipeline-style updates cannot be checked by the tenant scope: use update operators',
      );
    }
    if (!isPlainDocument(u)) throw notPlain('an update');
    const touches = (key: string) => key === field || key.startsWith(`${field}.`);
    // The checks run on a snapshot (getters read once), and the snapshot is what is sent.
    const checked: Document = {};
    for (const [operator, value] of Object.entries(u as Document)) {
      if (!operator.startsWith('$')) {
        throw new TenancyError(
          'invalid_input',
          'an update must use operators ($set, $inc...); use replaceOne to replace a document',
        );
      }
      if (!isPlainDocument(value)) throw notPlain(`the value of ${operator}`);
      const body: Document = { ...value };
      checked[operator] = body;
      for (const [key, v] of Object.entries(body)) {
        const renamedTo = operator === '$rename' && typeof v === 'string' && touches(v);
        if (!touches(key) && !renamedTo) continue;
        if (UPDATE_OPERATORS_SETTING.has(operator) && key === field && v === t) continue;
        throw mismatch();
      }
    }
    // Without the field at the top level of the caller's filter, the upsert takes it from our merged equality.
    if (!upsert || !(f && field in f && f[field] !== t)) return checked as UpdateFilter<T>;
    const copy = checked;
    const set = copy.$set as Document | undefined;
    if (!set || !(field in set)) copy.$setOnInsert = { ...(copy.$setOnInsert as Document | undefined), [field]: t };
    return copy as UpdateFilter<T>;
  };
  /** Checks the stages and returns copies of them, so a later change to the caller's objects is not sent. */
  const checkPipeline = (stages: Document[]): Document[] => {
    if (!Array.isArray(stages)) throw notPlain('a pipeline (array of stages)');
    return stages.map((stage) => {
      if (!isPlainDocument(stage)) throw notPlain('a pipeline stage');
      const copy: Document = { ...stage };
      for (const [name, body] of Object.entries(copy)) {
        if (CROSS_COLLECTION.has(name)) {
          throw new TenancyError(
            'unsupported_query',
            `${name} reads or writes another collection, which the tenant scope cannot confine: query that collection through its own scopedCollection`,
          );
        }
        if (name === '$facet') {
          if (!isPlainDocument(body)) throw notPlain('a $facet stage');
          const facets: Document = {};
          for (const [key, sub] of Object.entries(body)) facets[key] = checkPipeline(sub as Document[]);
          copy[name] = facets;
        }
      }
      return copy;
    });
  };
  const refuse = (what: string) => () => {
    throw new TenancyError(
      'unsupported_query',
      `${what} on a scoped cursor would undo the tenant scope: pass the whole filter or pipeline to the scoped collection`,
    );
  };
  /** A find cursor whose filter cannot be replaced. */
  const guardFind = <C extends FindCursor<WithId<T>>>(cursor: C): C => {
    const clone = cursor.clone.bind(cursor);
    Object.assign(cursor, {
      filter: refuse('filter()'),
      clone: () => guardFind(clone()),
    });
    return cursor;
  };
  /** An aggregation cursor on which every added stage is checked, and whose pipeline is read-only. */
  const guardAggregate = <R extends Document>(
    cursor: AggregationCursor<R>,
    stages: Document[],
  ): AggregationCursor<R> => {
    const raw = cursor.clone.bind(cursor);
    // The driver reads `pipeline` when the cursor starts: it gets a copy of the checked stages.
    Object.defineProperty(cursor, 'pipeline', { get: () => [...stages], configurable: true });
    Object.assign(cursor, {
      // lookup(), out(), match()... all go through addStage.
      addStage: (stage: Document) => {
        stages.push(...checkPipeline([stage]));
        return cursor;
      },
      clone: () => {
        const copy = raw() as AggregationCursor<R>;
        return guardAggregate(copy, [...stages]);
      },
    });
    return cursor;
  };

  return {
    unscoped: collection,
    find: (f, o) => {
      if (tenant() === null) return collection.find(filter(f), o);
      return guardFind(collection.find(Object.freeze(filter(f)) as Filter<T>, o));
    },
    findOne: async (f, o) => collection.findOne(filter(f), o),
    countDocuments: async (f, o) => collection.countDocuments(filter(f), o),
    distinct: async (key, f) => collection.distinct(key, filter(f)),
    insertOne: async (d, o) => collection.insertOne(doc(d), o),
    insertMany: async (ds, o) => {
      const scoped = ds.map((d) => doc(d));
      return collection.insertMany(scoped, o);
    },
    updateOne: async (f, u, o) => {
      const scopedUpdate = update(u, o?.upsert, f);
      return collection.updateOne(filter(f), scopedUpdate, o);
    },
    updateMany: async (f, u, o) => {
      const scopedUpdate = update(u, o?.upsert, f);
      return collection.updateMany(filter(f), scopedUpdate, o);
    },
    replaceOne: async (f, r, o) => {
      const replacement = doc(r);
      return collection.replaceOne(filter(f), replacement, o);
    },
    deleteOne: async (f, o) => collection.deleteOne(filter(f), o),
    deleteMany: async (f, o) => collection.deleteMany(filter(f), o),
    findOneAndUpdate: async (f, u, o) => {
      const scopedUpdate = update(u, o?.upsert, f);
      return collection.findOneAndUpdate(filter(f), scopedUpdate, o ?? {});
    },
    findOneAndReplace: async (f, r, o) => {
      const replacement = doc(r);
      return collection.findOneAndReplace(filter(f), replacement, o ?? {});
    },
    findOneAndDelete: async (f, o) => collection.findOneAndDelete(filter(f), o ?? {}),
    aggregate: <R extends Document = Document>(pipeline: Document[], o?: AggregateOptions) => {
      const t = tenant();
      if (t === null) return collection.aggregate<R>(pipeline, o);
      const stages = [{ $match: { [field]: t } }, ...checkPipeline(pipeline)];
      return guardAggregate(collection.aggregate<R>([...stages], o), stages);
    },
  };
}
