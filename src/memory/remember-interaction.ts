import type { MemoryExtractor } from "./extractor.js";
import type { MemoryStore } from "./memory-store.js";
import type { Namespace, RememberResult } from "./memory-types.js";

/**
 * Records one exchange as episodes (the raw source) and stores what the extractor finds in it,
 * each memory pointing at the user's episode for provenance.
 */
export async function rememberInteraction(store: MemoryStore, namespace: Namespace, extractor: MemoryExtractor, interaction: { user: string; assistant?: string }, options: { signal?: AbortSignal } = {}): Promise<RememberResult[]> {
  if (!interaction.user.trim()) return [];
  const userEpisode = store.recordEpisode(namespace, { role: "user", content: interaction.user });
  if (interaction.assistant?.trim()) store.recordEpisode(namespace, { role: "assistant", content: interaction.assistant });
  const candidates = await extractor.extract(interaction, options);
  const results: RememberResult[] = [];
  for (const candidate of candidates) results.push(await store.remember(namespace, { ...candidate, episodeIds: [userEpisode, ...(candidate.episodeIds ?? [])] }));
  return results;
}
