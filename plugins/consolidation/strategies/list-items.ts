// Reading a writer's reply as a list: SEAL's parsing, as in src/eval/self-edit-text.ts (which the
// benchmark keeps for itself: core code does not import plugins, and plugins import only the API).

/**
 * A list marker or emphasis at the start of a line: "1.", "2)", "-", "*", "•", "**". "**" is tried
 * before "*", so that "**Q1:** ..." loses both stars, not one.
 */
const LEADING_MARKER = /^\s*(?:\d+[.)]|\*\*|[-*•])\s*/;

/** Fewer words than this carry no fact to learn ("Implications:", "**Sources:**", a stray citation). */
const MIN_WORDS = 3;

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A line without its list marker and markdown emphasis. */
export function stripListMarker(line: string): string {
  return line.replace(LEADING_MARKER, "").replaceAll("**", "").trim();
}

/** One item per line, list markers and `**` removed, lines under three words dropped. */
export function listItems(reply: string): string[] {
  return reply
    .split("\n")
    .map(stripListMarker)
    .filter((line) => wordCount(line) >= MIN_WORDS);
}
