import type { LlamaContext } from "node-llama-cpp";
import { chatPromptText } from "../../model/chat-prompt-text.js";
import { generateChatReply } from "../../model/chat-turn.js";
import { scoreContinuation } from "../../model/score.js";
import { containsAnswer } from "../../eval/squad-grading.js";

export interface ProbeScore {
  answer: string;
  correct: boolean;
  /** log P(answer | question) as the model's chat reply, natural log. */
  logProb: number;
}

/**
 * Asks a probe the way the agent is asked, without memories in the prompt: the question as a
 * user turn, a greedy reply, graded by containment of the answer (SQuAD's normalisation); plus
 * the answer's log-probability as the reply, which moves before the exact answer does.
 */
export async function scoreProbe(context: LlamaContext, probe: { question: string; answer: string }, options: { maxTokens: number; signal?: AbortSignal }): Promise<ProbeScore> {
  const history = [{ type: "user" as const, text: probe.question }];
  // The first line is the answer: stopping there saves most of the time a rambling base model takes.
  const reply = await generateChatReply(context, history, { maxTokens: options.maxTokens, stopAt: ["\n"], ...(options.signal ? { signal: options.signal } : {}) });
  const { logProb } = await scoreContinuation(context, chatPromptText(context.model, history), probe.answer, options.signal ? { signal: options.signal } : {});
  return { answer: reply.text, correct: containsAnswer(reply.text, probe.answer), logProb };
}
