import type { GbnfJsonSchema } from "node-llama-cpp";
import { SealError } from "../../errors.js";
import { toGrammarSchema } from "./tool-json-schema.js";

/** A tool as the model sees it: OpenAI-style function definition. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: unknown;
}

/** "auto": tool or answer; "required": some tool; a name: that tool; "none": answer only. */
export type ToolMode = { kind: "auto" } | { kind: "required" } | { kind: "named"; name: string } | { kind: "none" };

/** Maximum characters of a grammar-constrained answer: a small model can otherwise ramble until
 * the token limit and leave the JSON unclosed. */
const MAX_ANSWER_CHARS = 2000;

export function toolModeFromChoice(choice: unknown, toolNames: readonly string[]): ToolMode {
  if (choice === undefined || choice === null || choice === "auto") return { kind: "auto" };
  if (choice === "none") return { kind: "none" };
  if (choice === "any" || choice === "required") return { kind: "required" };
  const name = typeof choice === "string" ? choice : (choice as { function?: { name?: string }; name?: string }).function?.name ?? (choice as { name?: string }).name;
  if (name && toolNames.includes(name)) return { kind: "named", name };
  throw new SealError("INVALID_OPTIONS", `tool_choice ${JSON.stringify(choice)} names no bound tool`, {
    hint: `Bound tools: ${toolNames.join(", ") || "(none)"}`,
  });
}

/**
 * The JSON schema the model's reply must follow when tools are bound. Every tool call the grammar
 * admits is a valid call (known name, arguments of the declared shape), which is what lets even a
 * 135M-parameter model drive a LangChain agent.
 */
export function replySchema(tools: readonly ToolDefinition[], mode: ToolMode): GbnfJsonSchema {
  const callSchemas = tools
    .filter((tool) => mode.kind !== "named" || tool.name === mode.name)
    .map((tool) => ({
      type: "object",
      properties: { tool: { const: tool.name }, arguments: toGrammarSchema(tool.parameters) },
      required: ["tool", "arguments"],
    }));
  const answerSchema = {
    type: "object",
    properties: { answer: { type: "string", maxLength: MAX_ANSWER_CHARS } },
    required: ["answer"],
  };
  const options = mode.kind === "auto" ? [...callSchemas, answerSchema] : callSchemas;
  return (options.length === 1 ? options[0] : { oneOf: options }) as GbnfJsonSchema;
}

/** The instructions that tell the model which tools exist and how to reply. */
export function toolInstructions(tools: readonly ToolDefinition[], mode: ToolMode): string {
  const lines = tools.map((tool) => `- ${tool.name}: ${tool.description} Arguments: ${JSON.stringify(toGrammarSchema(tool.parameters))}`);
  const answerLine = mode.kind === "auto" ? `\nTo reply to the user without a tool, write {"answer": "<your reply>"}.` : "";
  return `You can call these tools:\n${lines.join("\n")}\nTo call a tool, write {"tool": "<tool name>", "arguments": {...}}.${answerLine}`;
}

export type ParsedReply = { kind: "tool"; name: string; args: Record<string, unknown> } | { kind: "answer"; text: string; cut?: boolean } | { kind: "cut-tool-call"; name?: string };

/**
 * The model's reply under the reply grammar. A reply cut by the token limit is not complete JSON:
 * an answer is recovered up to the cut (and marked as cut); a tool call cannot be, so it is
 * reported as cut rather than run with half its arguments.
 */
export function parseReply(text: string, options: { cut?: boolean } = {}): ParsedReply {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (options.cut) return recoverCutReply(text);
    throw new SealError("GENERATION_FAILED", "The model's reply was not complete JSON", {
      hint: "Raise maxTokens, or shorten the conversation.",
      context: { reply: text.slice(0, 500) },
      cause: error,
    });
  }
  const object = value as { tool?: unknown; arguments?: unknown; answer?: unknown };
  if (typeof object.tool === "string") return { kind: "tool", name: object.tool, args: (object.arguments ?? {}) as Record<string, unknown> };
  return { kind: "answer", text: String(object.answer ?? ""), ...(options.cut ? { cut: true } : {}) };
}

/** The text of a cut `{"answer": "...` reply, decoded as far as it goes; anything else is a cut tool call. */
function recoverCutReply(text: string): ParsedReply {
  const answer = /^\s*\{\s*"answer"\s*:\s*"/.exec(text);
  if (!answer) {
    const name = /"tool"\s*:\s*"([^"]*)"/.exec(text)?.[1];
    return { kind: "cut-tool-call", ...(name ? { name } : {}) };
  }
  let body = text.slice(answer[0].length);
  // The string ends at its first unescaped quote, if the cut came after it.
  for (let index = 0; index < body.length; index++) {
    if (body[index] === "\\") index++;
    else if (body[index] === '"') {
      body = body.slice(0, index);
      break;
    }
  }
  // Drop a trailing partial escape ("\", "\u00") so that the rest decodes.
  body = body.replace(/\\(u[0-9a-fA-F]{0,3})?$/, "");
  try {
    return { kind: "answer", text: JSON.parse(`"${body}"`) as string, cut: true };
  } catch {
    return { kind: "answer", text: body, cut: true };
  }
}
