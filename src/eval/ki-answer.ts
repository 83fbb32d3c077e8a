import { LlamaCompletion, type LlamaContext } from "node-llama-cpp";
import { scoreContinuation } from "../model/score.js";
import { containsAnswer, tokenF1 } from "./squad-grading.js";
import { questionPrompt } from "./self-edit-text.js";

export interface GradedAnswer {
  question: string;
  gold: string;
  answer: string;
  /** The normalized gold answer appears in the answer. */
  correct: boolean;
  f1: number;
  /** log P(" " + gold | prompt) under the evaluated model (natural log, summed over tokens). */
  goldLogProb: number;
}

/**
 * Asks each question without the passage (greedy; the answer is the first non-empty line: small
 * models often begin with a line break after "Answer:"), grades the answer, and scores the gold
 * answer's log-probability under the same model.
 */
export async function answerQuestions(
  context: LlamaContext,
  title: string,
  questions: ReadonlyArray<{ question: string; answer: string }>,
  options: { maxTokens: number; retrieved?: (question: string) => Promise<string | undefined>; signal?: AbortSignal },
): Promise<GradedAnswer[]> {
  const graded: GradedAnswer[] = [];
  for (const { question, answer: gold } of questions) {
    const prompt = questionPrompt(title, question, options.retrieved ? await options.retrieved(question) : undefined);
    const answer = firstLine(await complete(context, prompt, { maxTokens: options.maxTokens, temperature: 0, ...(options.signal ? { signal: options.signal } : {}) }));
    const { logProb } = await scoreContinuation(context, prompt, ` ${gold}`, options.signal ? { signal: options.signal } : {});
    graded.push({ question, gold, answer, correct: containsAnswer(answer, gold), f1: tokenF1(answer, gold), goldLogProb: logProb });
  }
  return graded;
}

function firstLine(text: string): string {
  return text.split("\n").map((line) => line.trim()).find((line) => line !== "") ?? "";
}

/** A plain-text completion (no chat template: SEAL's prompts are in base-model format). */
export async function complete(
  context: LlamaContext,
  prompt: string,
  options: { maxTokens: number; temperature: number; seed?: number; signal?: AbortSignal },
): Promise<string> {
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  try {
    return await completion.generateCompletion(prompt, {
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    completion.dispose({ disposeSequence: true });
  }
}
