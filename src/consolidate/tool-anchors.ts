import type { ToolDefinition } from "../model/chat/tool-calling.js";

/**
 * Tool-use anchors: the base model's own replies, under the tool-call grammar with the tool
 * forced, to prompts for tools other than the gate's check (src/consolidate/gate/tool-call-check.ts),
 * trained with every candidate beside the general anchors. Without them a 50-fact run of chat
 * question-answer training kept the gate's drift at 0.46 but lost tool calling: 1 of the check's 8
 * calls against the base's 7 (bench/consolidation). Only replies whose call was right were kept
 * (7 of 12; the base also wrote "2022-01-01T00:00:00Z" for a city). Generated greedily on the
 * default model with the same prompt ChatSealLlama builds (its tool instructions as the system turn).
 */
export const TOOL_ANCHOR_TOOLS: readonly ToolDefinition[] = [
  { name: "get_time", description: "Get the current local time in a city", parameters: { type: "object", properties: { city: { type: "string", description: "The city" } }, required: ["city"] } },
  { name: "play_music", description: "Play songs by an artist", parameters: { type: "object", properties: { artist: { type: "string", description: "The artist" } }, required: ["artist"] } },
  { name: "find_recipe", description: "Find a recipe for a dish", parameters: { type: "object", properties: { dish: { type: "string", description: "The dish" } }, required: ["dish"] } },
  { name: "translate", description: "Translate a text into a language", parameters: { type: "object", properties: { text: { type: "string", description: "The text" }, language: { type: "string", description: "The target language" } }, required: ["text", "language"] } },
];

export const TOOL_ANCHORS: ReadonlyArray<{ prompt: string; tool: string; reply: string }> = [
  { prompt: "Tell me the time in Sydney.", tool: "get_time", reply: "{\n    \"tool\": \"get_time\",\n    \"arguments\": {\n        \"city\": \"Sydney\"\n    }\n}" },
  { prompt: "Is it late in Chicago now?", tool: "get_time", reply: "{\n    \"tool\": \"get_time\",\"arguments\": {\"city\":\"Chicago\"}\n}" },
  { prompt: "I want to bake banana bread.", tool: "find_recipe", reply: "{\n    \"tool\": \"find_recipe\",\n    \"arguments\": {\n        \"dish\": \"banana_bread\"\n    }\n}" },
  { prompt: "How do you say 'thank you' in German?", tool: "translate", reply: "{\"tool\": \"translate\", \"arguments\": {\"text\": \"Thank you\",\"language\": \"de\"}}" },
  { prompt: "What's the time in Nairobi?", tool: "get_time", reply: "{\n    \"tool\": \"get_time\",\"arguments\": {\"city\":\"Nairobi\"}\n}" },
  { prompt: "Play music by Miles Davis.", tool: "play_music", reply: "{\n    \"tool\": \"play_music\",\n    \"arguments\": {\n        \"artist\": \"Miles Davis\"\n    }\n}" },
  { prompt: "Find me a recipe for tomato soup.", tool: "find_recipe", reply: "{\n    \"tool\":\"find_recipe\",\"arguments\":{\"dish\": \"tomato soup\"}}" },
];
