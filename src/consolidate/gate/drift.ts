import type { LlamaContext } from "node-llama-cpp";
import { chatPromptText } from "../../model/chat-prompt-text.js";
import { scoreContinuation } from "../../model/score.js";
import { DRIFT_PROMPTS } from "../drift-prompts.js";

/**
 * Per prompt, the mean per-token log-probability of the base's own reply under each model; drift
 * is the base's minus the candidate's, averaged over prompts (a KL proxy: 0 is unchanged, and a
 * model that forgot how to talk loses nats on every token).
 */
export async function measureDrift(base: LlamaContext, candidate: LlamaContext, signal?: AbortSignal): Promise<{ drift: number; prompts: number; perPrompt: number[] }> {
  const perPrompt: number[] = [];
  for (const { prompt, continuation } of DRIFT_PROMPTS) {
    const text = chatPromptText(base.model, [{ type: "user", text: prompt }]);
    const options = signal ? { signal } : {};
    const [before, after] = [await scoreContinuation(base, text, continuation, options), await scoreContinuation(candidate, text, continuation, options)];
    perPrompt.push(after.meanNll - before.meanNll);
  }
  return { drift: perPrompt.reduce((sum, value) => sum + value, 0) / perPrompt.length, prompts: perPrompt.length, perPrompt };
}
