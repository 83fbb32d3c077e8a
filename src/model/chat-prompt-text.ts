import { resolveChatWrapper, type ChatHistoryItem, type LlamaModel } from "node-llama-cpp";

/**
 * The exact text the model sees before its reply to `history`, rendered with the model's own chat
 * template (as `ChatSealLlama` and `generateChatReply` render it), special tokens written out.
 * Training on {prompt: this, completion: answer} teaches the model to answer in chat what it
 * learnt. The leading BOS token is left out: the trainer adds it, as llama.cpp does at inference.
 */
export function chatPromptText(model: LlamaModel, history: readonly ChatHistoryItem[]): string {
  const wrapper = resolveChatWrapper(model);
  const { contextText } = wrapper.generateContextState({ chatHistory: [...history, { type: "model", response: [] }] });
  const tokens = contextText.tokenize(model.tokenizer);
  const bos = model.tokens.bos;
  return model.detokenize(bos !== null && tokens[0] === bos ? tokens.slice(1) : tokens, true);
}

/** The text of the token that ends the model's turn (`<|im_end|>` for ChatML models), so a trained answer stops where a reply does. */
export function endOfTurnText(model: LlamaModel): string {
  const token = model.tokens.eot ?? model.tokens.eos;
  return token === null ? "" : model.detokenize([token], true);
}
