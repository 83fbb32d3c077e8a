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
}

/**
 * Generates the model's next reply to a chat history on a fresh sequence of `context`, using the
 * chat template from the GGUF (node-llama-cpp resolves the wrapper). The sequence is released
 * afterwards, so one context serves turn after turn.
 */
export async function generateChatTurn(context: LlamaContext, history: readonly ChatHistoryItem[], options: ChatTurnOptions = {}): Promise<string> {
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  try {
    const result = await chat.generateResponse([...history, { type: "model", response: [] }], {
      maxTokens: options.maxTokens ?? 256,
      temperature: options.temperature ?? 0,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.grammar ? { grammar: options.grammar } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onTextChunk ? { onTextChunk: options.onTextChunk } : {}),
    });
    return result.response;
  } catch (error) {
    if (options.signal?.aborted) throw new SealError("ABORTED", "Generation was aborted", { cause: error });
    throw error;
  } finally {
    chat.dispose({ disposeSequence: true });
  }
}
