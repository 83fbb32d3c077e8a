import { BaseStore, type GetOperation, type Item, type ListNamespacesOperation, type Operation, type OperationResults, type PutOperation, type SearchItem, type SearchOperation } from "@langchain/langgraph-checkpoint";
import { SealError } from "../errors.js";
import { activeRowsNewestFirst } from "../store/memory-repository.js";
import { toRecords } from "./memory-rows.js";
import type { MemoryStore } from "./memory-store.js";
import type { MemoryRecord } from "./memory-types.js";

export interface SealStoreOptions {
  /** Value fields whose text is indexed, first one present wins. Defaults to `["text", "content", "memory"]`; otherwise the value's JSON. */
  textFields?: string[];
}

/**
 * A LangGraph `BaseStore` for `createAgent({ store })`, backed by a `MemoryStore`. Each namespace
 * is a tenant; `put` replaces the namespace's item under a key (the old version is superseded, so
 * history is kept), `put(..., null)` forgets it everywhere, and `search` with a query uses hybrid
 * retrieval. Memories written by `remember()` appear as items keyed `memory-<id>`.
 *
 * One deviation from LangGraph: searching or listing namespaces without a namespace prefix (or
 * with a wildcard first part), which would reach every tenant, is refused (TENANT_INVALID).
 */
export class SealStore extends BaseStore {
  private readonly textFields: string[];

  constructor(
    readonly memory: MemoryStore,
    options: SealStoreOptions = {},
  ) {
    super();
    this.textFields = options.textFields ?? ["text", "content", "memory"];
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    for (const operation of operations) {
      if ("key" in operation && "value" in operation) results.push(await this.put_(operation as PutOperation));
      else if ("key" in operation) results.push(this.get_(operation as GetOperation));
      else if ("namespacePrefix" in operation) results.push(await this.search_(operation as SearchOperation));
      else results.push(this.listNamespaces_(operation as ListNamespacesOperation));
    }
    return results as OperationResults<Op>;
  }

  private async put_(operation: PutOperation): Promise<void> {
    if (operation.value === null) {
      this.memory.deleteItem(operation.namespace, operation.key);
      return;
    }
    await this.memory.putItem(operation.namespace, operation.key, operation.value, this.textOf(operation.value));
  }

  private get_(operation: GetOperation): Item | null {
    const record = this.memory.getItem(operation.namespace, operation.key);
    return record ? toItem(record) : null;
  }

  private async search_(operation: SearchOperation): Promise<SearchItem[]> {
    const limit = operation.limit ?? 10;
    const offset = operation.offset ?? 0;
    const namespaces = this.namespacesUnder(operation.namespacePrefix);
    let items: SearchItem[] = [];
    if (operation.query) {
      for (const namespace of namespaces) {
        const hits = await this.memory.search(namespace, operation.query, { limit: limit + offset });
        items.push(...hits.map((hit) => ({ ...toItem(hit.memory), score: hit.score })));
      }
      items.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
    } else {
      const db = this.memory.db;
      for (const namespace of namespaces) {
        items.push(...toRecords(db, activeRowsNewestFirst(db, namespace.join("/")), namespace).map(toItem));
      }
    }
    if (operation.filter) items = items.filter((item) => matches(item.value, operation.filter as Record<string, unknown>));
    return items.slice(offset, offset + limit);
  }

  private listNamespaces_(operation: ListNamespacesOperation): string[][] {
    const prefix = (operation.matchConditions ?? []).find((condition) => condition.matchType === "prefix" && condition.path.length > 0 && condition.path[0] !== "*");
    if (!prefix) {
      throw new SealError("TENANT_INVALID", "Listing namespaces without a prefix would reveal every tenant", { hint: 'Give the tenant as a prefix, e.g. store.listNamespaces({ prefix: ["user-42"] }); MemoryStore.listNamespaces() is the administrator\'s view.' });
    }
    const all = this.memory.listNamespaces().filter((namespace) =>
      (operation.matchConditions ?? []).every((condition) => {
        const path = condition.path;
        const part = condition.matchType === "prefix" ? namespace.slice(0, path.length) : namespace.slice(-path.length);
        return part.length === path.length && path.every((segment, index) => segment === "*" || segment === part[index]);
      }),
    );
    const truncated = all.map((namespace) => (operation.maxDepth !== undefined ? namespace.slice(0, operation.maxDepth) : namespace));
    const unique = [...new Map(truncated.map((namespace) => [namespace.join("/"), namespace])).values()];
    return unique.slice(operation.offset, operation.offset + operation.limit);
  }

  private namespacesUnder(prefix: string[]): string[][] {
    if (prefix.length === 0) {
      throw new SealError("TENANT_INVALID", "Searching every namespace at once would cross tenants; give a namespace prefix", { hint: 'e.g. store.search(["user-42"], { query })' });
    }
    return this.memory.listNamespaces().filter((namespace) => prefix.every((part, index) => namespace[index] === part));
  }

  private textOf(value: Record<string, unknown>): string {
    for (const field of this.textFields) if (typeof value[field] === "string" && (value[field] as string).trim()) return value[field] as string;
    return JSON.stringify(value);
  }
}

function toItem(record: MemoryRecord): Item {
  return {
    namespace: record.namespace,
    key: record.key ?? `memory-${record.id}`,
    value: record.value ?? { text: record.text, kind: record.kind, durability: record.durability, confidence: record.confidence, recurrence: record.recurrence, validFrom: record.validFrom.toISOString() },
    createdAt: record.recordedAt,
    updatedAt: record.recordedAt,
  };
}

const OPERATORS: Record<string, (a: unknown, b: unknown) => boolean> = {
  $eq: (a, b) => a === b,
  $ne: (a, b) => a !== b,
  $gt: (a, b) => (a as number) > (b as number),
  $gte: (a, b) => (a as number) >= (b as number),
  $lt: (a, b) => (a as number) < (b as number),
  $lte: (a, b) => (a as number) <= (b as number),
};

/** LangGraph's filter: each key equals, or passes every operator given for it. */
function matches(value: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    const actual = value[key];
    if (condition !== null && typeof condition === "object" && !Array.isArray(condition)) {
      return Object.entries(condition as Record<string, unknown>).every(([operator, operand]) => OPERATORS[operator]?.(actual, operand) ?? false);
    }
    return actual === condition;
  });
}
