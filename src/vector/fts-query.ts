/**
 * A user's query as an FTS5 expression: every word quoted (so that FTS5 operators and punctuation
 * in the query are plain text) and OR-ed, leaving BM25 to rank by how many match and how rare
 * they are. Undefined when the query has no words.
 */
export function ftsQuery(text: string): string | undefined {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, 64);
  return words.length ? words.map((word) => `"${word}"`).join(" OR ") : undefined;
}
