import nlp from "compromise";

/** One word as compromise tags it, with the spacing and punctuation around it. */
export interface Token {
  text: string;
  /** Lower case, apostrophes straightened (compromise's `normal`). */
  normal: string;
  tags: ReadonlySet<string>;
  pre: string;
  post: string;
}

interface CompromiseTerm {
  text: string;
  normal?: string;
  tags?: string[];
  pre?: string;
  post?: string;
}

/** Curly apostrophes and quotes as straight ones, so that "I’m" and "I'm" read alike. */
export function straightenQuotes(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"');
}

/** Contractions written out ("I'm" -> "I am", "don't" -> "do not", "can't" -> "can not"). */
export function expandContractions(text: string): string {
  const doc = nlp(text);
  doc.contractions().expand();
  return doc.text();
}

/** The sentences of a message, as compromise splits them. */
export function sentencesOf(text: string): string[] {
  return (nlp(text).sentences().out("array") as string[]).map((sentence) => sentence.trim()).filter(Boolean);
}

/** Words with part-of-speech tags. Run on text whose contractions are already expanded. */
export function tokensOf(text: string): Token[] {
  const sentences = nlp(text).json() as Array<{ terms: CompromiseTerm[] }>;
  return sentences.flatMap((sentence) =>
    sentence.terms
      .filter((term) => term.text !== "")
      .map((term) => ({
        text: term.text,
        normal: (term.normal ?? term.text.toLowerCase()).replace(/[\u2018\u2019]/g, "'"),
        tags: new Set(term.tags ?? []),
        pre: term.pre ?? "",
        post: term.post ?? " ",
      })),
  );
}

const thirdPersonCache = new Map<string, string>();

/** A verb's third-person present form ("live" -> "lives", "study" -> "studies"), by compromise's conjugator. */
export function thirdPersonPresent(verb: string): string {
  const key = verb.toLowerCase();
  let form = thirdPersonCache.get(key);
  if (form === undefined) {
    const conjugated = (nlp(`they ${key}`).verbs().conjugate() as Array<{ PresentTense?: string }>)[0]?.PresentTense;
    form = conjugated && conjugated.split(" ").length === 1 ? conjugated : key;
    thirdPersonCache.set(key, form);
  }
  return verb[0] === verb[0]?.toUpperCase() ? form.charAt(0).toUpperCase() + form.slice(1) : form;
}
