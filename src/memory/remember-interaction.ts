import { SealError } from "../errors.js";
import type { MemoryExtractor } from "./extractor.js";
import type { MemoryStore } from "./memory-store.js";
import type { Namespace, RememberInput, RememberResult } from "./memory-types.js";
import { truncateUtf8 } from "./validate-text.js";

export interface RememberInteractionOptions {
  signal?: AbortSignal;
  /** Told about each candidate memory the store refused (too long, invalid text); the others are stored. */
  onSkipped?: (candidate: RememberInput, error: SealError) => void;
}

/**
 * Records one exchange as episodes (the raw source) and stores what the extractor finds in it,
 * each memory pointing at the user's episode for provenance. A turn never fails because of what
 * the user wrote: an episode over the store's limit is kept truncated, and a candidate memory the
 * store refuses (`MEMORY_INVALID`) is skipped and reported through `onSkipped`.
 */
export async function rememberInteraction(store: MemoryStore, namespace: Namespace, extractor: MemoryExtractor, interaction: { user: string; assistant?: string }, options: RememberInteractionOptions = {}): Promise<RememberResult[]> {
  if (!interaction.user.trim()) return [];
  const limit = store.maxEpisodeBytes;
  const userEpisode = store.recordEpisode(namespace, { role: "user", content: truncateUtf8(interaction.user, limit) });
  if (interaction.assistant?.trim()) store.recordEpisode(namespace, { role: "assistant", content: truncateUtf8(interaction.assistant, limit) });
  const candidates = await extractor.extract(interaction, options.signal ? { signal: options.signal } : {});
  const results: RememberResult[] = [];
  for (const candidate of candidates) {
    try {
      results.push(await store.remember(namespace, { ...candidate, episodeIds: [userEpisode, ...(candidate.episodeIds ?? [])] }));
    } catch (error) {
      if (!(SealError.isInstance(error) && error.code === "MEMORY_INVALID")) throw error;
      options.onSkipped?.(candidate, error);
    }
  }
  return results;
}
