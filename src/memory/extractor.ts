import type { RememberInput } from "./memory-types.js";

/** One exchange between the user and the agent, as the extractor sees it. */
export interface Interaction {
  user: string;
  assistant?: string;
}

/**
 * The plugin interface for extraction (see `plugins/memory-rules`): candidate memories from one
 * interaction. Returned texts are data about the user, stored as given; the store's update rules
 * then decide whether each is new.
 */
export interface MemoryExtractor {
  readonly name: string;
  extract(interaction: Interaction, options?: { signal?: AbortSignal }): Promise<RememberInput[]>;
}
