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
export async function baseDriftNll(base: LlamaContext, count: number, signal?: AbortSignal): Promise<number[]> {
  return scoreAll(base, driftPrompts(count), signal);
}

/** Drift of `candidate` against the base's per-prompt figures from `baseDriftNll`. */
export async function driftAgainst(baseNll: readonly number[], candidate: LlamaContext, signal?: AbortSignal): Promise<{ drift: number; prompts: number; perPrompt: number[] }> {
  const after = await scoreAll(candidate, driftPrompts(baseNll.length), signal);
  const perPrompt = after.map((nll, index) => nll - (baseNll[index] as number));
  return { drift: perPrompt.reduce((sum, value) => sum + value, 0) / perPrompt.length, prompts: perPrompt.length, perPrompt };
}

/** A short fingerprint of the prompts and replies, so that figures cached for another set are never reused. */
export function driftPromptsFingerprint(count: number): string {
  return createHash("sha256").update(JSON.stringify(driftPrompts(count))).digest("hex").slice(0, 16);
}

/** The first `count` drift prompts (`gate.driftPrompts`): fewer give a faster, noisier figure. */
function driftPrompts(count: number): typeof DRIFT_PROMPTS {
  if (!Number.isInteger(count) || count < 1 || count > DRIFT_PROMPTS.length) throw new RangeError(`drift: ${count} prompts asked for, there are 1..${DRIFT_PROMPTS.length}`);
  return DRIFT_PROMPTS.slice(0, count);
}

async function scoreAll(context: LlamaContext, prompts: typeof DRIFT_PROMPTS, signal?: AbortSignal): Promise<number[]> {
  const nll: number[] = [];
  for (const { prompt, continuation } of prompts) {
    const text = chatPromptText(context.model, [{ type: "user", text: prompt }]);
    nll.push((await scoreContinuation(context, text, continuation, signal ? { signal } : {})).meanNll);
  }
  return nll;
}
