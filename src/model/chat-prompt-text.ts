import { GeneralChatWrapper, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel } from "node-llama-cpp";

// Resolving the wrapper parses the GGUF's chat template: measured at 1-2.5 s a call on a loaded
// 2-CPU machine, and the gate renders a prompt per probe and per drift prompt. Once per model.
const wrappers = new WeakMap<LlamaModel, ChatWrapper>();
function wrapperOf(model: LlamaModel): ChatWrapper {
  let wrapper = wrappers.get(model);
  if (!wrapper) {
    wrapper = resolveChatWrapper(model) ?? new GeneralChatWrapper();
    wrappers.set(model, wrapper);
  }
  return wrapper;
}

/**
 * The exact text the model sees before its reply to `history`, rendered with the model's own chat
 * template (as `ChatSealLlama` and `generateChatReply` render it), special tokens written out.
 * Training on {prompt: this, completion: answer} teaches the model to answer in chat what it
 * learnt. The leading BOS token is left out: the trainer adds it, as llama.cpp does at inference.
 */
export function chatPromptText(model: LlamaModel, history: readonly ChatHistoryItem[]): string {
  const wrapper = wrapperOf(model);
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
