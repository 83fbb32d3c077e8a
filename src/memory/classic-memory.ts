import { BaseMemory, getInputValue, getOutputValue, type InputValues, type MemoryVariables, type OutputValues } from "@langchain/core/memory";
import { defaultExtractor } from "./default-plugins.js";
import type { MemoryExtractor } from "./extractor.js";
import { formatMemoryBlock } from "./memory-block.js";
import type { MemoryStore } from "./memory-store.js";
import type { Namespace } from "./memory-types.js";
import { rememberInteraction } from "./remember-interaction.js";
import { truncateUtf8 } from "./validate-text.js";

export interface SealMemoryInput {
  store: MemoryStore;
  namespace: Namespace;
  /** The variable the memories are loaded into. Defaults to `"memories"`. */
  memoryKey?: string;
  inputKey?: string;
  outputKey?: string;
  /** Memories per load. Defaults to `5`. */
  limit?: number;
  /** Defaults to the heuristic `sentenceExtractor`. */
  extractor?: MemoryExtractor;
}

/**
 * A classic LangChain `BaseMemory` for chains: `loadMemoryVariables` returns the memories relevant
 * to the input as an untrusted-data block; `saveContext` records the exchange and extracts memories.
 */
export class SealMemory extends BaseMemory {
  private readonly fields: SealMemoryInput;

  constructor(fields: SealMemoryInput) {
    super();
    this.fields = fields;
  }

  get memoryKeys(): string[] {
    return [this.fields.memoryKey ?? "memories"];
  }

  async loadMemoryVariables(values: InputValues): Promise<MemoryVariables> {
    const query = String(getInputValue(values, this.fields.inputKey) ?? "");
    const hits = query.trim()
      ? await this.fields.store.search(this.fields.namespace, truncateUtf8(query, this.fields.store.maxQueryBytes), { limit: this.fields.limit ?? 5 })
      : [];
    return { [this.memoryKeys[0] as string]: formatMemoryBlock(hits) };
  }

  async saveContext(inputValues: InputValues, outputValues: OutputValues): Promise<void> {
    const user = String(getInputValue(inputValues, this.fields.inputKey) ?? "");
    const assistant = String(getOutputValue(outputValues, this.fields.outputKey) ?? "");
    await rememberInteraction(this.fields.store, this.fields.namespace, this.fields.extractor ?? defaultExtractor(), { user, assistant });
  }
}
