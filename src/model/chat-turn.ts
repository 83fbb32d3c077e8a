import { LlamaChat, type ChatHistoryItem, type LlamaContext, type LlamaGrammar } from "node-llama-cpp";
import { SealError } from "../errors.js";

export interface ChatTurnOptions {
  grammar?: LlamaGrammar;
  /** Defaults to `256`. */
  maxTokens?: number;
  /** 0 is greedy. Defaults to `0`. */
  temperature?: number;
  seed?: number;
  signal?: AbortSignal;
  onTextChunk?: (text: string) => void;
  /** Texts that end the reply where they appear (e.g. "\n" for one-line answers); they are not part of the reply. */
  stopAt?: readonly string[];
}

/**
 * Generates the model's next reply to a chat history on a fresh sequence of `context`, using the
 * chat template from the GGUF (node-llama-cpp resolves the wrapper). The sequence is released
 * afterwards, so one context serves turn after turn.
 */
export async function generateChatTurn(context: LlamaContext, history: readonly ChatHistoryItem[], options: ChatTurnOptions = {}): Promise<string> {
  return (await generateChatReply(context, history, options)).text;
}

/** A reply and whether the token limit cut it short. */
export interface ChatReply {
  text: string;
  /** True when generation stopped at `maxTokens` rather than at the model's end of turn. */
  cut: boolean;
}

/** `generateChatTurn`, telling also whether the reply was cut by the token limit. */
export async function generateChatReply(context: LlamaContext, history: readonly ChatHistoryItem[], options: ChatTurnOptions = {}): Promise<ChatReply> {
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  try {
    const result = await chat.generateResponse([...history, { type: "model", response: [] }], {
      maxTokens: options.maxTokens ?? 256,
      temperature: options.temperature ?? 0,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.grammar ? { grammar: options.grammar } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onTextChunk ? { onTextChunk: options.onTextChunk } : {}),
      ...(options.stopAt?.length ? { customStopTriggers: [...options.stopAt] } : {}),
    });
    return { text: result.response, cut: result.metadata.stopReason === "maxTokens" };
  } catch (error) {
    if (options.signal?.aborted) throw new SealError("ABORTED", "Generation was aborted", { cause: error });
    throw error;
  } finally {
    chat.dispose({ disposeSequence: true });
  }
}
