import type { BaseMessage } from "@langchain/core/messages";
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from "node-llama-cpp";

/** The text of a message whose content may be a string or a list of content blocks. */
export function messageText(message: BaseMessage): string {
  const content = message.content as unknown;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block: unknown) => {
      if (typeof block === "string") return block;
      if (block && typeof block === "object" && (block as { type?: string }).type === "text") return String((block as { text?: unknown }).text ?? "");
      return "";
    })
    .join("");
}

/**
 * Converts LangChain messages to node-llama-cpp's chat history, so the model's own chat template
 * (read from the GGUF) renders them. Tool calls and their results become node-llama-cpp function
 * calls, which the chat wrapper formats the way it formats its own function calling.
 */
export function toChatHistory(messages: readonly BaseMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const pendingCalls = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    const type = message.getType();
    const text = messageText(message);
    if (type === "system" || type === "developer") {
      history.push({ type: "system", text });
    } else if (type === "human" || type === "generic") {
      history.push({ type: "user", text });
    } else if (type === "ai") {
      const response: ChatModelResponse["response"] = [];
      if (text) response.push(text);
      const toolCalls = (message as { tool_calls?: Array<{ id?: string; name: string; args: unknown }> }).tool_calls ?? [];
      for (const call of toolCalls) {
        const functionCall: ChatModelFunctionCall = { type: "functionCall", name: call.name, params: call.args, result: undefined };
        if (call.id) pendingCalls.set(call.id, functionCall);
        response.push(functionCall);
      }
      history.push({ type: "model", response });
    } else if (type === "tool") {
      const callId = (message as { tool_call_id?: string }).tool_call_id;
      const call = callId === undefined ? undefined : pendingCalls.get(callId);
      if (call) call.result = text;
      else history.push({ type: "user", text: `Tool result:\n${text}` });
    } else {
      history.push({ type: "user", text });
    }
  }
  return history;
}

/** How many tool round-trips happened since the last human message (tool results after it). */
export function toolRoundsSinceLastHuman(messages: readonly BaseMessage[]): number {
  let rounds = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    const type = messages[index]?.getType();
    if (type === "human") break;
    if (type === "ai" && ((messages[index] as { tool_calls?: unknown[] }).tool_calls?.length ?? 0) > 0) rounds += 1;
  }
  return rounds;
}
