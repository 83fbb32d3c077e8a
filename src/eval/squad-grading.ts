// SQuAD-style answer grading: the normalization of the official SQuAD v1.1 evaluation script
// (lower case, no punctuation, no articles, single spaces), then containment and token F1.
// Local and deterministic, so benchmark numbers can be recomputed from the saved answers.

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ARTICLES = /\b(a|an|the)\b/g;

export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, "").replace(ARTICLES, " ").split(/\s+/).filter(Boolean).join(" ");
}

/** The normalized gold answer appears in the normalized prediction, on word boundaries. */
export function containsAnswer(prediction: string, gold: string): boolean {
  const normalizedGold = normalizeAnswer(gold);
  if (normalizedGold === "") return false;
  return ` ${normalizeAnswer(prediction)} `.includes(` ${normalizedGold} `);
}

/** Token-overlap F1 between the normalized prediction and gold, as in SQuAD's evaluation. */
export function tokenF1(prediction: string, gold: string): number {
  const predicted = normalizeAnswer(prediction).split(" ").filter(Boolean);
  const expected = normalizeAnswer(gold).split(" ").filter(Boolean);
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return (2 * precision * recall) / (precision + recall);
}
