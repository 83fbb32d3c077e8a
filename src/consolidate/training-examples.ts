import type { LlamaModel } from "node-llama-cpp";
import { chatPromptText, endOfTurnText } from "../model/chat-prompt-text.js";
import type { SelfEditRow, UnitRow } from "../store/consolidation-content.js";
import { toolInstructions } from "../model/chat/tool-calling.js";
import { ANCHOR_PROMPTS } from "./anchor-prompts.js";
import { TOOL_ANCHOR_TOOLS, TOOL_ANCHORS } from "./tool-anchors.js";

export type TrainingExample = { text: string } | { prompt: string; completion: string };

/**
 * A unit's training examples: each memory line as text (SEAL trains on the passage too), each kept
 * text self-edit as text, and each kept question-answer pair as a chat turn in the model's own
 * template, so that what is learnt is answered in chat, the way the agent is asked.
 */
export function unitExamples(model: LlamaModel, unit: Pick<UnitRow, "text">, selfEdits: readonly SelfEditRow[]): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const line of (unit.text ?? "").split("\n").map((value) => value.trim()).filter(Boolean)) examples.push({ text: line });
  const end = endOfTurnText(model);
  for (const edit of selfEdits) {
    if (edit.kept !== 1 || edit.text === null) continue;
    if (edit.answer !== null) examples.push({ prompt: chatPromptText(model, [{ type: "user", text: edit.text }]), completion: `${edit.answer}${end}` });
    else examples.push({ text: edit.text });
  }
  return examples;
}

/**
 * The base model's own replies to general prompts, and its own tool calls, as chat turns: trained
 * with every candidate against drift and against losing tool use.
 */
export function anchorExamples(model: LlamaModel, options: { tools: boolean }): TrainingExample[] {
  // No end-of-turn token: the replies were cut at 64 tokens, and must not teach stopping mid-sentence.
  const general = ANCHOR_PROMPTS.map((anchor) => ({ prompt: chatPromptText(model, [{ type: "user", text: anchor.prompt }]), completion: anchor.reply }));
  // A tool call is complete JSON: it ends the turn. The prompt is the one ChatSealLlama builds
  // for a forced tool: its tool instructions as the system turn.
  if (!options.tools) return general;
  const end = endOfTurnText(model);
  const tools = TOOL_ANCHORS.map((anchor) => ({
    prompt: chatPromptText(model, [
      { type: "system", text: toolInstructions(TOOL_ANCHOR_TOOLS, { kind: "named", name: anchor.tool }) },
      { type: "user", text: anchor.prompt },
    ]),
    completion: `${anchor.reply}${end}`,
  }));
  return [...general, ...tools];
}

/** The normalised questions trained on: the gate does not score a probe whose question is one of them. */
export function trainedQuestions(selfEdits: readonly SelfEditRow[]): Set<string> {
  return new Set(selfEdits.filter((edit) => edit.kept === 1 && edit.answer !== null && edit.text !== null).map((edit) => normalizeQuestion(edit.text as string)));
}

export function normalizeQuestion(question: string): string {
  return question.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}
