// SEAL's "implications" self-edit: the prompt the model completes, and how a completion becomes
// training text (SEAL's knowledge-incorporation recipe: one example per item, each prefixed with
// the passage's title, plus the passage itself as one more example).

/** SEAL's prompt for implications, in base-model completion format (from the data README). */
export function implicationsPrompt(title: string, context: string): string {
  return `Let's read the following passage and produce a list of implications derived directly or indirectly from the content.\n\nPassage:\n${title}\n${context}\n\nImplications:`;
}

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
  const items = completions.flatMap(selfEditItems).map((item) => `${title}\n${item}`);
  return [...items, `${title}\n${context}`];
}

/**
 * The question prompt of SEAL's evaluation (no passage in the context). The `rag` condition puts
 * the retrieved passage before the question.
 */
export function questionPrompt(title: string, question: string, retrieved?: string): string {
  const context = retrieved === undefined ? " " : `\nContext: ${retrieved}\n`;
  return `Let's answer a question directly and concisely.${context}Question: Topic: ${title}\n${question}\nAnswer:`;
}
