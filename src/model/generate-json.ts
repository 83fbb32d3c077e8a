import type { ChatHistoryItem, GbnfJsonSchema, LlamaContext } from "node-llama-cpp";
import { SealError } from "../errors.js";
import { generateChatTurn, type ChatTurnOptions } from "./chat-turn.js";

/**
 * Asks the model for a JSON value that must match `schema`: the JSON-schema grammar makes any
 * other output impossible, so even a tiny model returns parseable, well-typed data.
 */
export async function generateJson<T = unknown>(
  context: LlamaContext,
  history: readonly ChatHistoryItem[],
  schema: GbnfJsonSchema,
  options: Omit<ChatTurnOptions, "grammar" | "onTextChunk"> = {},
): Promise<T> {
  const grammar = await context.model.llama.createGrammarForJsonSchema(schema as never);
  const text = await generateChatTurn(context, history, { ...options, grammar });
  try {
    return grammar.parse(text) as T;
  } catch (error) {
    throw new SealError("GENERATION_FAILED", "The model's JSON output was incomplete (token limit reached?)", {
      hint: "Raise maxTokens.",
      context: { output: text.slice(0, 500) },
      cause: error,
    });
  }
}
