import { createHash } from "node:crypto";
import type { LlamaContext } from "node-llama-cpp";
import { chatPromptText } from "../../model/chat-prompt-text.js";
import { scoreContinuation } from "../../model/score.js";
import { DRIFT_PROMPTS } from "../drift-prompts.js";

/**
 * Per prompt, the mean per-token log-probability of the base's own reply under each model; drift
 * is the base's minus the candidate's, averaged over prompts (a KL proxy: 0 is unchanged, and a
 * model that forgot how to talk loses nats on every token).
 */
/** The base model's mean negative log-likelihood of each drift prompt's reply (the same on every gate of a machine). */
export async function baseDriftNll(base: LlamaContext, signal?: AbortSignal): Promise<number[]> {
  return scoreAll(base, signal);
}

/** Drift of `candidate` against the base's per-prompt figures from `baseDriftNll`. */
export async function driftAgainst(baseNll: readonly number[], candidate: LlamaContext, signal?: AbortSignal): Promise<{ drift: number; prompts: number; perPrompt: number[] }> {
  if (baseNll.length !== DRIFT_PROMPTS.length) throw new Error(`drift: ${baseNll.length} base figures for ${DRIFT_PROMPTS.length} prompts`);
  const after = await scoreAll(candidate, signal);
  const perPrompt = after.map((nll, index) => nll - (baseNll[index] as number));
  return { drift: perPrompt.reduce((sum, value) => sum + value, 0) / perPrompt.length, prompts: perPrompt.length, perPrompt };
}

/** A short fingerprint of the prompts and replies, so that figures cached for another set are never reused. */
export function driftPromptsFingerprint(): string {
  return createHash("sha256").update(JSON.stringify(DRIFT_PROMPTS)).digest("hex").slice(0, 16);
}

async function scoreAll(context: LlamaContext, signal?: AbortSignal): Promise<number[]> {
  const nll: number[] = [];
  for (const { prompt, continuation } of DRIFT_PROMPTS) {
    const text = chatPromptText(context.model, [{ type: "user", text: prompt }]);
    nll.push((await scoreContinuation(context, text, continuation, signal ? { signal } : {})).meanNll);
  }
  return nll;
}
