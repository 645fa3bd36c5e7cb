import type { Collection, Db, Document } from 'mongodb';
import { AuthError } from '../errors.js';
import type { AuthSession, AuthStore, AuthUser, RevokedSession, RotateRefreshTokenResult } from '../store.js';

/** Options of {@link mongoAuthStore}. */
export interface MongoAuthStoreOptions {
  /** Prefix of the collection names (`<prefix>users`, `<prefix>sessions`, ...). @default 'auth_' */
  collectionPrefix?: string;
}

/** The MongoDB {@link AuthStore}, plus its index set-up. */
export interface MongoAuthStore extends AuthStore {
  /**
   * Creates the indexes the store relies on (unique `id` per collection, unique `email`, unique
   * token `hash`es, and lookup indexes). Idempotent; run it at start-up.
   */
  ensureIndexes(): Promise<void>;
}

/**
 * Maps a MongoDB driver error to an {@link AuthError}: duplicate key (11000) becomes `conflict`,
 * a write conflict (112, transient) and everything else `unavailable`. `AuthError`s pass through.
 *
 * @example
 * ```ts
 * try { await users.insertOne(doc); } catch (error) { throw mapMongoError(error); }
 * ```
 */
export function mapMongoError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 11000)
    return new AuthError('conflict', 'a record with this unique value already exists', { cause: error });
  if (code === 112) {
    return new AuthError('unavailable', 'write conflict in the auth store (retry the request)', { cause: error });
  }
  return new AuthError('unavailable', 'auth store query failed (check the MongoDB connection; run ensureIndexes())', {
    cause: error,
  });
}

const userProjection = { _id: 0, id: 1, email: 1, name: 1, emailVerifiedAt: 1, createdAt: 1 } as const;
const sessionProjection = {
  _id: 0,
  id: 1,
  userId: 1,
  tenantId: 1,
  createdAt: 1,
  lastUsedAt: 1,
  expiresAt: 1,
  ip: 1,
  userAgent: 1,
  revokedAt: 1,
} as const;

const toUser = (d: Document): AuthUser => ({
  id: d.id,
  email: d.email,
  name: d.name,
  emailVerifiedAt: d.emailVerifiedAt ?? null,
  createdAt: d.createdAt,
});

const toSession = (d: Document): AuthSession => ({
  id: d.id,
  userId: d.userId,
  tenantId: d.tenantId ?? null,
  createdAt: d.createdAt,
  lastUsedAt: d.lastUsedAt,
  expiresAt: d.expiresAt,
  ip: d.ip ?? null,
  userAgent: d.userAgent ?? null,
  revokedAt: d.revokedAt ?? null,
});

/**
 * An {@link AuthStore} on MongoDB (official driver v6, you pass the `Db`). Documents keep their
 * own string `id` (unique index) next to an ObjectId `_id`. Single use and rotation are
 * conditional `findOneAndUpdate`s on `{ hash, usedAt: null }`, so of N concurrent calls exactly
 * one matches; e-mail uniqueness is a unique index (call {@link MongoAuthStore.ensureIndexes}).
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { mongoAuthStore } from '@portalkit/auth/mongodb';
 *
 * const client = await MongoClient.connect(process.env.MONGODB_URL!);
 * const store = mongoAuthStore(client.db('app'));
 * await store.ensureIndexes();
 * ```
 */
export function mongoAuthStore(db: Db, options: MongoAuthStoreOptions = {}): MongoAuthStore {
  const prefix = options.collectionPrefix ?? 'auth_';
  const users: Collection = db.collection(`${prefix}users`);
  const sessions: Collection = db.collection(`${prefix}sessions`);
  const refresh: Collection = db.collection(`${prefix}refresh_tokens`);
  const oneTime: Collection = db.collection(`${prefix}one_time_tokens`);

  const q = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw mapMongoError(error);
    }
  };

  return {
    ensureIndexes: () =>
      q(async () => {
        await users.createIndex({ id: 1 }, { unique: true });
        await users.createIndex({ email: 1 }, { unique: true });
        await sessions.createIndex({ id: 1 }, { unique: true });
        await sessions.createIndex({ userId: 1, createdAt: -1 });
        await refresh.createIndex({ hash: 1 }, { unique: true });
        await refresh.createIndex({ sessionId: 1 });
        await oneTime.createIndex({ hash: 1 }, { unique: true });
        await oneTime.createIndex({ userId: 1 });
      }),

    createUser: (user) =>
      q(async () => {
        await users.insertOne({ ...user, emailVerifiedAt: null });
        return { id: user.id, email: user.email, name: user.name, emailVerifiedAt: null, createdAt: user.createdAt };
      }),
    findUserById: (id) =>
      q(async () => {
        const d = await users.findOne({ id }, { projection: userProjection });
        return d ? toUser(d) : null;
      }),
    findUserByEmail: (email) =>
      q(async () => {
        const d = await users.findOne({ email }, { projection: userProjection });
        return d ? toUser(d) : null;
      }),
    getPasswordHash: (userId) =>
      q(async () => {
        const d = await users.findOne({ id: userId }, { projection: { _id: 0, passwordHash: 1 } });
        return (d?.passwordHash as string | undefined) ?? null;
      }),
    setPasswordHash: (userId, passwordHash) =>
      q(async () => (await users.updateOne({ id: userId }, { $set: { passwordHash } })).matchedCount > 0),
    markEmailVerified: (userId, at) =>
      q(async () => {
        await users.updateOne({ id: userId, emailVerifiedAt: null }, { $set: { emailVerifiedAt: at } });
        const d = await users.findOne({ id: userId }, { projection: userProjection });
        return d ? toUser(d) : null;
      }),

    createSession: (session, token) =>
      q(async () => {
        const doc = { ...session, lastUsedAt: session.createdAt, revokedAt: null };
        await sessions.insertOne({ ...doc });
        await refresh.insertOne({
          hash: token.hash,
          sessionId: session.id,
          createdAt: session.createdAt,
          expiresAt: token.expiresAt,
          usedAt: null,
        });
        return toSession(doc);
      }),
    findSessionByRefreshToken: (hash) =>
      q(async () => {
        const t = await refresh.findOne({ hash }, { projection: { _id: 0, sessionId: 1 } });
        if (!t) return null;
        const d = await sessions.findOne({ id: t.sessionId }, { projection: sessionProjection });
        return d ? toSession(d) : null;
      }),
    findSession: (id) =>
      q(async () => {
        const d = await sessions.findOne({ id }, { projection: sessionProjection });
        return d ? toSession(d) : null;
      }),
    rotateRefreshToken: (input) =>
      q(async (): Promise<RotateRefreshTokenResult> => {
        const { now } = input;
        const spent = await refresh.findOneAndUpdate(
          { hash: input.hash, usedAt: null, expiresAt: { $gt: now } },
          { $set: { usedAt: now } },
          { projection: { _id: 0, sessionId: 1 } },
        );
        if (spent) {
          const patch: Document = { lastUsedAt: now };
          if (input.tenantId !== undefined) patch.tenantId = input.tenantId;
          if (input.ip !== undefined) patch.ip = input.ip;
          if (input.userAgent !== undefined) patch.userAgent = input.userAgent;
          const session = await sessions.findOneAndUpdate(
            { id: spent.sessionId, revokedAt: null, expiresAt: { $gt: now } },
            { $set: patch },
            { returnDocument: 'after', projection: sessionProjection },
          );
          if (!session) {
            const current = await sessions.findOne({ id: spent.sessionId }, { projection: { _id: 0, revokedAt: 1 } });
            return { status: !current || current.revokedAt ? 'invalid' : 'expired' };
          }
          await refresh.insertOne({
            hash: input.next.hash,
            sessionId: spent.sessionId,
            createdAt: now,
            expiresAt: input.next.expiresAt,
            usedAt: null,
          });
          return { status: 'rotated', session: toSession(session) };
        }
        const token = await refresh.findOne({ hash: input.hash }, { projection: { _id: 0, sessionId: 1, usedAt: 1 } });
        if (!token) return { status: 'invalid' };
        const owner = await sessions.findOne({ id: token.sessionId }, { projection: sessionProjection });
        if (!owner) return { status: 'invalid' };
        if (!token.usedAt) return { status: owner.revokedAt ? 'invalid' : 'expired' };
        if (
          input.reuseGraceMs > 0 &&
          now.getTime() - (token.usedAt as Date).getTime() < input.reuseGraceMs &&
          !owner.revokedAt
        ) {
          return { status: 'concurrent' };
        }
        const revoked = await sessions.findOneAndUpdate(
          { id: token.sessionId, revokedAt: null },
          { $set: { revokedAt: now } },
          { returnDocument: 'after', projection: sessionProjection },
        );
        return { status: 'reused', session: toSession(revoked ?? owner) };
      }),
    listSessions: (userId, now) =>
      q(async () => {
        const docs = await sessions
          .find({ userId, revokedAt: null, expiresAt: { $gt: now } }, { projection: sessionProjection })
          .sort({ createdAt: -1, id: 1 })
          .toArray();
        return docs.map(toSession);
      }),
    revokeSession: (sessionId, at, userId) =>
      q(async () => {
        const filter: Document = { id: sessionId, revokedAt: null };
        if (userId !== undefined) filter.userId = userId;
        const d = await sessions.findOneAndUpdate(
          filter,
          { $set: { revokedAt: at } },
          { returnDocument: 'after', projection: sessionProjection },
        );
        return d ? toSession(d) : null;
      }),
    revokeUserSessions: (userId, at, exceptSessionId) =>
      q(async () => {
        // One session at a time with a conditional update, so each id is reported by exactly the
        // call that revoked it.
        const filter: Document = { userId, revokedAt: null };
        if (exceptSessionId !== undefined) filter.id = { $ne: exceptSessionId };
        const revoked: RevokedSession[] = [];
        for (;;) {
          const d = await sessions.findOneAndUpdate(
            filter,
            { $set: { revokedAt: at } },
            { projection: { _id: 0, id: 1, tenantId: 1 } },
          );
          if (!d) break;
          revoked.push({ id: d.id as string, tenantId: (d.tenantId as string | null | undefined) ?? null });
        }
        return revoked;
      }),

    createOneTimeToken: (token) =>
      q(async () => {
        await oneTime.insertOne({ ...token, usedAt: null });
      }),
    purgeExpired: (now) =>
      q(async () => {
        const expired = await sessions.find({ expiresAt: { $lte: now } }, { projection: { _id: 0, id: 1 } }).toArray();
        const ids = expired.map((d) => d.id as string);
        const tokens = await refresh.deleteMany({ $or: [{ expiresAt: { $lte: now } }, { sessionId: { $in: ids } }] });
        const gone = ids.length > 0 ? await sessions.deleteMany({ id: { $in: ids } }) : { deletedCount: 0 };
        const oneTimeGone = await oneTime.deleteMany({
          $or: [{ expiresAt: { $lte: now } }, { usedAt: { $ne: null } }],
        });
        return {
          sessions: gone.deletedCount,
          refreshTokens: tokens.deletedCount,
          oneTimeTokens: oneTimeGone.deletedCount,
        };
      }),
    findOneTimeToken: (hash, kind, now) =>
      q(async () => {
        const d = await oneTime.findOne(
          { hash, kind, usedAt: null, expiresAt: { $gt: now } },
          { projection: { _id: 0, userId: 1 } },
        );
        return d ? { userId: d.userId as string } : null;
      }),
    consumeOneTimeToken: (hash, kind, now) =>
      q(async () => {
        const d = await oneTime.findOneAndUpdate(
          { hash, kind, usedAt: null, expiresAt: { $gt: now } },
          { $set: { usedAt: now } },
          { projection: { _id: 0, userId: 1 } },
        );
        return d ? { userId: d.userId as string } : null;
      }),
    invalidateOneTimeTokens: (userId, kind, at) =>
      q(async () => {
        const result = await oneTime.updateMany({ userId, kind, usedAt: null }, { $set: { usedAt: at } });
        return result.modifiedCount;
      }),
  };
}
