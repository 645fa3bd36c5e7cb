import {
  AliasNode,
  AndNode,
  BinaryOperationNode,
  ColumnNode,
  type ColumnUpdateNode,
  DefaultInsertValueNode,
  type DeleteQueryNode,
  IdentifierNode,
  type InsertQueryNode,
  type JoinNode,
  type JoinType,
  type KyselyPlugin,
  ListNode,
  type MergeQueryNode,
  OnNode,
  type OperationNode,
  OperationNodeTransformer,
  OperatorNode,
  ParensNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryId,
  type QueryResult,
  ReferenceNode,
  type RootOperationNode,
  type SelectQueryNode,
  TableNode,
  type UnknownRow,
  type UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  WhereNode,
} from 'kysely';
import { tenantScope } from '../context.js';
import { TenancyError } from '../errors.js';

/**
 * Options of {@link tenantScopePlugin}.
 *
 * @example
 * ```ts
 * const options: TenantScopePluginOptions = { tables: ['documents', 'comments'] };
 * ```
 */
export interface TenantScopePluginOptions {
  /** The tenant-owned tables, by name (`documents`) or schema-qualified (`app.documents`). */
  tables: readonly string[];
  /**
   * The tenant column of those tables.
   * @default 'tenant_id'
   */
  column?: string;
}

type Scoped = { ref: TableNode };

/** Joins whose ON clause filters the joined table, so the tenant predicate can go there. */
const ON_FILTERS_JOINED: ReadonlySet<JoinType> = new Set([
  'InnerJoin',
  'LeftJoin',
  'LateralInnerJoin',
  'LateralLeftJoin',
]);
/** Joins without ON, scoped in WHERE. */
const WHERE_SCOPED: ReadonlySet<JoinType> = new Set(['CrossJoin', 'LateralCrossJoin', 'CrossApply']);

/**
 * A column name reduced to what naming plugins (`CamelCasePlugin`) cannot change: `tenant_id`,
 * `tenantId` and `TENANT_ID` all give `tenantid`.
 */
const columnKey = (name: string) => name.replace(/_/g, '').toLowerCase();

class ScopeTransformer extends OperationNodeTransformer {
  constructor(
    private readonly tables: ReadonlySet<string>,
    private readonly column: string,
    private readonly tenantId: string | null,
  ) {
    super();
    this.columnKey = columnKey(column);
  }

  private readonly columnKey: string;

  /**
   * Whether a column name is the tenant column, whatever case convention a later plugin applies
   * (and also when written `table.tenant_id` as one identifier, as `set({ 'a.tenant_id': x })` gives).
   */
  private isTenantColumn(name: string): boolean {
    return columnKey(name) === this.columnKey || columnKey(name.slice(name.lastIndexOf('.') + 1)) === this.columnKey;
  }

  /** The reference to use for the tenant column when `node` is a registered table (plain or aliased). */
  private scoped(node: OperationNode | undefined): Scoped | null {
    if (!node) return null;
    if (AliasNode.is(node)) {
      if (!TableNode.is(node.node) || !this.isTenantTable(node.node)) return null;
      if (!IdentifierNode.is(node.alias)) throw this.unsupported('an alias that is not a plain identifier');
      return { ref: TableNode.create(node.alias.name) };
    }
    if (TableNode.is(node) && this.isTenantTable(node)) return { ref: node };
    return null;
  }

  private isTenantTable(node: TableNode): boolean {
    const name = node.table.identifier.name;
    const schema = node.table.schema?.name;
    return this.tables.has(name) || (schema !== undefined && this.tables.has(`${schema}.${name}`));
  }

  private tenant(): string {
    if (this.tenantId === null) {
      throw new TenancyError(
        'no_tenant',
        'a query on a tenant table ran with no tenant in scope: wrap it in runWithTenant(tenant, fn) (platform code: dangerouslyBypassTenantScope)',
      );
    }
    return this.tenantId;
  }

  private unsupported(what: string): TenancyError {
    return new TenancyError(
      'unsupported_query',
      `the tenant scope plugin cannot safely scope ${what}: rewrite the query, or run platform code inside dangerouslyBypassTenantScope`,
    );
  }

  private mismatchOnInsert(): TenancyError {
    return new TenancyError(
      'tenant_mismatch',
      `an insert may not name another tenant in ${this.column} (leave it out: the scope sets it)`,
    );
  }

  private predicate(s: Scoped): OperationNode {
    return BinaryOperationNode.create(
      ReferenceNode.create(ColumnNode.create(this.column), s.ref),
      OperatorNode.create('='),
      ValueNode.create(this.tenant()),
    );
  }

  private and(existing: OperationNode | undefined, extra: OperationNode[]): OperationNode | undefined {
    let out: OperationNode | undefined = existing ? ParensNode.create(existing) : undefined;
    for (const e of extra) out = out ? AndNode.create(out, e) : e;
    return out;
  }

  private withWhere<T extends { where?: WhereNode }>(node: T, extra: OperationNode[]): T {
    if (extra.length === 0) return node;
    const filter = this.and(node.where?.where, extra) as OperationNode;
    return Object.freeze({ ...node, where: WhereNode.create(filter) });
  }

  /** Scopes joins: inner/outer joins get the predicate in ON (so outer joins stay outer); cross joins in WHERE. */
  private withJoins<T extends { joins?: ReadonlyArray<JoinNode> }>(node: T, where: OperationNode[]): T {
    if (!node.joins) return node;
    return Object.freeze({ ...node, joins: this.scopeJoins(node.joins, where) });
  }

  private scopeJoins(joins: ReadonlyArray<JoinNode>, where: OperationNode[]): ReadonlyArray<JoinNode> {
    return joins.map((join) => {
      const s = this.scoped(join.table);
      if (!s) return join;
      if (WHERE_SCOPED.has(join.joinType)) {
        where.push(this.predicate(s));
        return join;
      }
      // In a RIGHT or FULL join, ON does not filter the joined table: every one of its rows comes out.
      if (!ON_FILTERS_JOINED.has(join.joinType) || !join.on) {
        throw this.unsupported(`a ${join.joinType} onto a tenant table (use an inner or left join from it)`);
      }
      return Object.freeze({ ...join, on: OnNode.create(this.and(join.on.on, [this.predicate(s)]) as OperationNode) });
    });
  }

  /** Refuses updates that could move a row to another tenant, or whose column it cannot read. */
  private checkUpdates(updates: ReadonlyArray<ColumnUpdateNode> | undefined): void {
    for (const update of updates ?? []) {
      const col = ColumnNode.is(update.column)
        ? update.column.column.name
        : ReferenceNode.is(update.column) && ColumnNode.is(update.column.column)
          ? update.column.column.column.name
          : null;
      if (col === null) throw this.unsupported('an update of a column given as raw SQL or an expression');
      if (!this.isTenantColumn(col)) continue;
      if (!ValueNode.is(update.value) || update.value.value !== this.tenant()) {
        throw new TenancyError(
          'tenant_mismatch',
          `an update may not move a row to another tenant (${this.column} is set by the scope)`,
        );
      }
    }
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const next = super.transformSelectQuery(node, queryId);
    const where: OperationNode[] = [];
    for (const from of next.from?.froms ?? []) {
      const s = this.scoped(from);
      if (s) where.push(this.predicate(s));
    }
    return this.withWhere(this.withJoins(next, where), where);
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const next = super.transformUpdateQuery(node, queryId);
    const where: OperationNode[] = [];
    // `updateTable([a, b])` (MySQL multi-table UPDATE) gives a ListNode: scope every table in it.
    const tables = next.table && ListNode.is(next.table) ? next.table.items : [next.table];
    let scopedTarget = false;
    for (const table of tables) {
      const target = this.scoped(table);
      if (target) {
        where.push(this.predicate(target));
        scopedTarget = true;
      }
    }
    if (scopedTarget) this.checkUpdates(next.updates);
    for (const from of next.from?.froms ?? []) {
      const s = this.scoped(from);
      if (s) where.push(this.predicate(s));
    }
    return this.withWhere(this.withJoins(next, where), where);
  }

  protected override transformDeleteQuery(node: DeleteQueryNode, queryId?: QueryId): DeleteQueryNode {
    const next = super.transformDeleteQuery(node, queryId);
    const where: OperationNode[] = [];
    for (const table of [...next.from.froms, ...(next.using?.tables ?? [])]) {
      const s = this.scoped(table);
      if (s) where.push(this.predicate(s));
    }
    return this.withWhere(this.withJoins(next, where), where);
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const next = super.transformInsertQuery(node, queryId);
    const target = this.scoped(next.into);
    if (!target) return next;
    const tenantId = this.tenant();
    const columns = next.columns ?? [];
    const index = columns.findIndex((c) => this.isTenantColumn(c.column.name));
    let values = next.values;
    let newColumns = columns;
    if (next.defaultValues || (!values && columns.length === 0)) {
      newColumns = [ColumnNode.create(this.column)];
      values = ValuesNode.create([PrimitiveValueListNode.create([tenantId])]);
    } else if (values && ValuesNode.is(values)) {
      const rows = values.values.map((row) => {
        if (index >= 0) {
          if (PrimitiveValueListNode.is(row)) {
            if (row.values[index] !== tenantId) throw this.mismatchOnInsert();
            return row;
          }
          const cell = row.values[index];
          if (cell && DefaultInsertValueNode.is(cell)) {
            // A multi-row insert where this row left tenant_id out: fill it in.
            return ValueListNode.create(row.values.map((v, i) => (i === index ? ValueNode.create(tenantId) : v)));
          }
          if (!cell || !ValueNode.is(cell) || cell.value !== tenantId) throw this.mismatchOnInsert();
          return row;
        }
        return PrimitiveValueListNode.is(row)
          ? PrimitiveValueListNode.create([...row.values, tenantId])
          : ValueListNode.create([...row.values, ValueNode.create(tenantId)]);
      });
      values = ValuesNode.create(rows);
      if (index < 0) newColumns = [...columns, ColumnNode.create(this.column)];
    } else {
      throw this.unsupported('an INSERT ... SELECT into a tenant table');
    }
    let onConflict = next.onConflict;
    if (onConflict && !onConflict.doNothing) {
      this.checkUpdates(onConflict.updates);
      const guard = this.predicate(target);
      onConflict = Object.freeze({
        ...onConflict,
        updateWhere: WhereNode.create(this.and(onConflict.updateWhere?.where, [guard]) as OperationNode),
      });
    }
    if (next.onDuplicateKey) throw this.unsupported('ON DUPLICATE KEY UPDATE');
    return Object.freeze({
      ...next,
      columns: newColumns,
      values,
      ...(onConflict && { onConflict }),
      defaultValues: false,
    });
  }

  protected override transformMergeQuery(node: MergeQueryNode, queryId?: QueryId): MergeQueryNode {
    if (this.scoped(node.into) || this.scoped(node.using?.table)) throw this.unsupported('a MERGE on a tenant table');
    return super.transformMergeQuery(node, queryId);
  }
}

/**
 * The Kysely plugin that scopes registered tenant tables to the tenant in context
 * (`runWithTenant` (from `@portalkit/tenancy`)):
 * - `select`, `update`, `delete`: adds `<table or alias>.tenant_id = <tenant>` for every
 *   registered table in FROM, JOIN (in the ON clause, so outer joins stay outer), `UPDATE ... FROM`,
 *   `DELETE ... USING`, and in every subquery and CTE;
 * - `insert`: sets `tenant_id` on every row, and refuses a row naming another tenant
 *   (`tenant_mismatch`); `ON CONFLICT DO UPDATE` only updates the current tenant's row;
 * - `update ... set tenant_id = <other>` is refused (`tenant_mismatch`), whatever the case of the
 *   column name (`tenantId`, `TENANT_ID`: a later `CamelCasePlugin` would map them to `tenant_id`);
 *   an update column given as raw SQL (`set(sql.ref('tenant_id'), ...)`) is refused (`unsupported_query`);
 * - multi-table `updateTable([a, b])` scopes every registered table in the list;
 * - RIGHT and FULL joins onto a registered table are refused (`unsupported_query`): their ON
 *   clause does not filter the joined table;
 * - with no tenant in context, any query touching a registered table throws `no_tenant`
 *   (fail closed); shapes it cannot scope safely (`INSERT ... SELECT`, `MERGE`) throw
 *   `unsupported_query`.
 *
 * NOT covered (document them in code review): raw `sql` text naming a tenant table (the plugin
 * never sees inside a `RawNode`), queries run on `db.withoutPlugins()` or a Kysely instance without
 * the plugin. Platform code uses the greppable `dangerouslyBypassTenantScope` (from `@portalkit/tenancy`).
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import { runWithTenant } from '@portalkit/tenancy';
 * import { tenantScopePlugin } from '@portalkit/tenancy/kysely';
 *
 * const db = new Kysely<DB>({ dialect, plugins: [tenantScopePlugin({ tables: ['documents', 'comments'] })] });
 * await runWithTenant(tenant, () => db.selectFrom('documents').selectAll().execute()); // only this tenant's rows
 * ```
 */
export function tenantScopePlugin(options: TenantScopePluginOptions): KyselyPlugin {
  if (!options?.tables?.length) {
    throw new TenancyError('invalid_input', 'tenantScopePlugin needs the list of tenant tables (options.tables)');
  }
  const tables = new Set(options.tables);
  const column = options.column ?? 'tenant_id';
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const scope = tenantScope();
      if (scope.kind === 'platform') return args.node;
      const transformer = new ScopeTransformer(tables, column, scope.kind === 'tenant' ? scope.tenantId : null);
      return transformer.transformNode(args.node, args.queryId);
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
}
