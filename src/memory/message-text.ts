import type { BaseMessage } from "@langchain/core/messages";

/** The text of a message (string content, or the text parts of structured content). */
export function messageText(message: BaseMessage | undefined): string {
  if (!message) return "";
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => (typeof part === "object" && "text" in part && typeof part.text === "string" ? part.text : "")).join("");
}

/** The last message of a type ("human", "ai"), searching from the end. */
export function lastOfType(messages: readonly BaseMessage[], type: "human" | "ai"): BaseMessage | undefined {
  for (let index = messages.length - 1; index >= 0; index--) if (messages[index]?.getType() === type) return messages[index];
  return undefined;
}
