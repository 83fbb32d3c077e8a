// How self-edits become training text (SEAL's knowledge-incorporation recipe: one example per
// item, each prefixed with the passage's title, plus the passage itself as one more example). The
// `self` condition's items come already split and filtered from the product's strategy and filters
// (ki-self-edit.ts); a teacher's completions in the data file are split here.

/** A list marker or emphasis at the start of a line: "1.", "2)", "-", "*", "•", "**". */
const LEADING_MARKER = /^\s*(?:\d+[.)]|[-*•]|\*\*)\s*/;

/**
 * Splits a completion into items, one per line, without list markers and markdown emphasis.
 * Lines of fewer than three words ("Sources:", "**Implications:**", a stray citation) are dropped:
 * they carry no fact to learn.
 */
export function selfEditItems(completion: string): string[] {
  return completion
    .split("\n")
    .map((line) => line.replace(LEADING_MARKER, "").replaceAll("**", "").trim())
    .filter((line) => line.split(/\s+/).filter(Boolean).length >= 3);
}

/** The training texts for a passage and its self-edit completions (none for the `passage` condition). */
export function trainingTexts(title: string, context: string, completions: readonly string[]): string[] {
  return itemTrainingTexts(title, context, completions.flatMap(selfEditItems));
}

/** The training texts for a passage and self-edit items already split (one example per item, then the passage). */
export function itemTrainingTexts(title: string, context: string, items: readonly string[]): string[] {
  return [...items.map((item) => `${title}\n${item}`), `${title}\n${context}`];
}

/**
 * The question prompt of SEAL's evaluation (no passage in the context). The `rag` condition puts
 * the retrieved passage before the question.
 */
export function questionPrompt(title: string, question: string, retrieved?: string): string {
  const context = retrieved === undefined ? " " : `\nContext: ${retrieved}\n`;
  return `Let's answer a question directly and concisely.${context}Question: Topic: ${title}\n${question}\nAnswer:`;
}
