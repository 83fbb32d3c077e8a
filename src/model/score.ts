import type { LlamaContext, Token } from "node-llama-cpp";
import { throwIfAborted } from "../errors.js";

export interface ContinuationScore {
  /** Sum of the scored tokens' log-probabilities (natural log). */
  logProb: number;
  /** Per-token log-probabilities, aligned with `tokens`. */
  tokenLogProbs: number[];
  /** The scored tokens. */
  tokens: Token[];
  /** Mean negative log-likelihood per scored token: the training loss on these tokens. */
  meanNll: number;
}

/**
 * The log-probability the model gives `continuation` after `prompt`: the measure evaluation uses
 * (an answer's probability moves before exact answers do). Prompt and continuation are tokenized
 * separately (special tokens such as <|im_end|> are parsed in both) and concatenated: the same
 * split the trainer uses for {prompt, completion} examples, so the two losses are comparable.
 */
export function scoreContinuation(
  context: LlamaContext,
  prompt: string,
  continuation: string,
  options: { signal?: AbortSignal } = {},
): Promise<ContinuationScore> {
  const promptTokens = context.model.tokenize(prompt, true);
  const continuationTokens = context.model.tokenize(continuation, true);
  if (continuationTokens.length === 0) throw new TypeError("scoreContinuation: continuation must contain at least one token");
  if (promptTokens.length === 0) throw new TypeError("scoreContinuation: prompt must contain at least one token");
  return scoreTokens(context, [...promptTokens, ...continuationTokens], promptTokens.length, options);
}

/**
 * Scores `tokens[firstScored…]`, each given the tokens before it. With `firstScored = 1` this is
 * the loss the trainer computes for a {"text"} example with the same tokens.
 */
export function scoreTokens(
  context: LlamaContext,
  tokens: readonly Token[],
  firstScored: number,
  options: { signal?: AbortSignal } = {},
): Promise<ContinuationScore> {
  if (!Number.isInteger(firstScored) || firstScored < 1 || firstScored >= tokens.length) {
    throw new RangeError(`scoreTokens: firstScored must be in 1..${tokens.length - 1}, got ${firstScored}`);
  }
  if (tokens.length > context.contextSize) throw new RangeError(`scoreTokens: ${tokens.length} tokens exceed the context size ${context.contextSize}`);
  // Calls on one context take turns: each needs a sequence, and a context has few.
  const previous = pendingByContext.get(context) ?? Promise.resolve();
  const run = previous.then(() => scoreOnFreeSequence(context, tokens, firstScored, options.signal));
  pendingByContext.set(context, run.catch(() => undefined));
  return run;
}

const pendingByContext = new WeakMap<LlamaContext, Promise<unknown>>();

async function scoreOnFreeSequence(context: LlamaContext, tokens: readonly Token[], firstScored: number, signal: AbortSignal | undefined): Promise<ContinuationScore> {
  throwIfAborted(signal);
  const sequence = context.getSequence();
  try {
    // Ask for logits only at positions whose next token is scored: the logit of that token, the
    // top logit, and the partition sum relative to the top, from which the log-softmax follows
    // exactly. (The filter's `includeMax` returned no extra entry in node-llama-cpp 3.22.1;
    // `includeTop: 1` does.)
    const input = tokens.map((token, index) => {
      const next = tokens[index + 1];
      if (index < firstScored - 1 || next === undefined) return token;
      return [token, { generateNext: { logits: { filter: { tokens: [next], includeTop: 1 } }, totalLogitWeight: true } }] as const;
    });
    const outputs = await sequence.controlledEvaluate(input as Parameters<typeof sequence.controlledEvaluate>[0]);
    const tokenLogProbs: number[] = [];
    for (let index = firstScored - 1; index < tokens.length - 1; index++) {
      const next = tokens[index + 1] as Token;
      const output = outputs[index]?.next;
      const logits = output?.logits;
      const total = output?.totalLogitWeight;
      if (!logits || total === undefined) throw new Error(`scoreTokens: no logits returned at position ${index}`);
      const maxLogit = Math.max(...logits.values());
      const tokenLogit = logits.get(next);
      if (tokenLogit === undefined) throw new Error(`scoreTokens: logit of token ${next} missing at position ${index}`);
      tokenLogProbs.push(tokenLogit - maxLogit - Math.log(total));
    }
    const logProb = tokenLogProbs.reduce((sum, value) => sum + value, 0);
    return { logProb, tokenLogProbs, tokens: tokens.slice(firstScored), meanNll: -logProb / tokenLogProbs.length };
  } finally {
    await sequence.dispose();
  }
}
