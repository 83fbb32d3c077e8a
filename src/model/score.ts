import type { LlamaContext, Token } from "node-llama-cpp";
import { throwIfAborted } from "../errors.js";

export interface ContinuationScore {
  /** Sum of the continuation tokens' log-probabilities (natural log). */
  logProb: number;
  /** Per-token log-probabilities, aligned with `tokens`. */
  tokenLogProbs: number[];
  tokens: Token[];
  /** Mean negative log-likelihood per continuation token: the training loss on these tokens. */
  meanNll: number;
}

/**
 * The log-probability the model gives `continuation` after `prompt`: the measure evaluation uses
 * (an answer's probability moves before exact answers do). Prompt and continuation are tokenized
 * separately and concatenated, the same split the trainer uses for prompt/completion examples.
 */
export function scoreContinuation(
  context: LlamaContext,
  prompt: string,
  continuation: string,
  options: { signal?: AbortSignal } = {},
): Promise<ContinuationScore> {
  // Calls on one context take turns: each needs a sequence, and a context has few.
  const previous = pendingByContext.get(context) ?? Promise.resolve();
  const run = previous.then(() => scoreOnFreeSequence(context, prompt, continuation, options));
  pendingByContext.set(context, run.catch(() => undefined));
  return run;
}

const pendingByContext = new WeakMap<LlamaContext, Promise<unknown>>();

async function scoreOnFreeSequence(
  context: LlamaContext,
  prompt: string,
  continuation: string,
  options: { signal?: AbortSignal } = {},
): Promise<ContinuationScore> {
  const model = context.model;
  const promptTokens = model.tokenize(prompt, true);
  const continuationTokens = model.tokenize(continuation, false, "trimLeadingSpace");
  if (continuationTokens.length === 0) throw new TypeError("scoreContinuation: continuation must contain at least one token");
  if (promptTokens.length === 0) throw new TypeError("scoreContinuation: prompt must contain at least one token");
  const tokens = [...promptTokens, ...continuationTokens];
  if (tokens.length > context.contextSize) throw new RangeError(`scoreContinuation: ${tokens.length} tokens exceed the context size ${context.contextSize}`);
  throwIfAborted(options.signal);

  const sequence = context.getSequence();
  try {
    // Ask for logits only at positions whose next token is a continuation token: the logit of
    // that token, the top logit, and the partition sum relative to the top, from which the
    // log-softmax follows exactly. (The filter's `includeMax` returned no extra entry in
    // node-llama-cpp 3.22.1; `includeTop: 1` does.)
    const input = tokens.map((token, index) => {
      const next = tokens[index + 1];
      if (index < promptTokens.length - 1 || next === undefined) return token;
      return [token, { generateNext: { logits: { filter: { tokens: [next], includeTop: 1 } }, totalLogitWeight: true } }] as const;
    });
    const outputs = await sequence.controlledEvaluate(input as Parameters<typeof sequence.controlledEvaluate>[0]);
    const tokenLogProbs: number[] = [];
    for (let index = promptTokens.length - 1; index < tokens.length - 1; index++) {
      const next = tokens[index + 1] as Token;
      const output = outputs[index]?.next;
      const logits = output?.logits;
      const total = output?.totalLogitWeight;
      if (!logits || total === undefined) throw new Error(`scoreContinuation: no logits returned at position ${index}`);
      const maxLogit = Math.max(...logits.values());
      const tokenLogit = logits.get(next);
      if (tokenLogit === undefined) throw new Error(`scoreContinuation: logit of token ${next} missing at position ${index}`);
      tokenLogProbs.push(tokenLogit - maxLogit - Math.log(total));
    }
    const logProb = tokenLogProbs.reduce((sum, value) => sum + value, 0);
    return { logProb, tokenLogProbs, tokens: continuationTokens, meanNll: -logProb / tokenLogProbs.length };
  } finally {
    await sequence.dispose();
  }
}
