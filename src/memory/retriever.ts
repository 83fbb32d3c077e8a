import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { MemoryStore } from "./memory-store.js";
import type { Namespace } from "./memory-types.js";

export interface SealRetrieverInput extends BaseRetrieverInput {
  store: MemoryStore;
  namespace: Namespace;
  /** Documents per query. Defaults to `5`. */
  k?: number;
  /** Retrieve what was valid at this time instead of now. */
  asOf?: Date;
}

/** A LangChain retriever over one tenant's memories (hybrid BM25 + dense retrieval). */
export class SealRetriever extends BaseRetriever {
  static override lc_name(): string {
    return "SealRetriever";
  }
  override lc_namespace = ["seal_memory", "retrievers"];
  private readonly store: MemoryStore;
  private readonly namespace: Namespace;
  private readonly k: number;
  private readonly asOf: Date | undefined;

  constructor(fields: SealRetrieverInput) {
    super(fields);
    this.store = fields.store;
    this.namespace = fields.namespace;
    this.k = fields.k ?? 5;
    this.asOf = fields.asOf;
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const hits = await this.store.search(this.namespace, query, { limit: this.k, ...(this.asOf ? { asOf: this.asOf } : {}) });
    return hits.map(
      ({ memory, ...scores }) =>
        new Document({
          pageContent: memory.text,
          id: String(memory.id),
          metadata: { memoryId: memory.id, namespace: memory.namespace, kind: memory.kind, validFrom: memory.validFrom.toISOString(), recordedAt: memory.recordedAt.toISOString(), episodeIds: memory.episodeIds, ...scores },
        }),
    );
  }
}
