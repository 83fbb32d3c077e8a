import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { toChatHistory, toolRoundsSinceLastHuman } from "../../src/model/chat/message-conversion.js";
import { parseReply, replySchema, toolModeFromChoice, type ToolDefinition } from "../../src/model/chat/tool-calling.js";
import { toGrammarSchema } from "../../src/model/chat/tool-json-schema.js";

const weather: ToolDefinition = {
  name: "get_weather",
  description: "Weather in a city.",
  parameters: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { city: { type: "string", title: "City" } }, required: ["city"], additionalProperties: false },
};
const time: ToolDefinition = { name: "get_time", description: "Time now.", parameters: { type: "object", properties: {} } };

describe("tool choice", () => {
  it("maps LangChain tool_choice values to modes", () => {
    expect(toolModeFromChoice(undefined, ["get_weather"])).toEqual({ kind: "auto" });
    expect(toolModeFromChoice("any", ["get_weather"])).toEqual({ kind: "required" });
    expect(toolModeFromChoice("required", ["get_weather"])).toEqual({ kind: "required" });
    expect(toolModeFromChoice("none", ["get_weather"])).toEqual({ kind: "none" });
    expect(toolModeFromChoice("get_weather", ["get_weather"])).toEqual({ kind: "named", name: "get_weather" });
    expect(toolModeFromChoice({ type: "function", function: { name: "get_weather" } }, ["get_weather"])).toEqual({ kind: "named", name: "get_weather" });
  });

  it("rejects a tool_choice naming no bound tool", () => {
    expect(() => toolModeFromChoice("delete_everything", ["get_weather"])).toThrowError(/names no bound tool/);
  });
});

describe("reply schema", () => {
  it("offers every tool plus a plain answer in auto mode", () => {
    const schema = replySchema([weather, time], { kind: "auto" }) as unknown as { oneOf: Array<{ properties: Record<string, unknown> }> };
    expect(schema.oneOf).toHaveLength(3);
    expect(schema.oneOf.map((option) => Object.keys(option.properties))).toEqual([["tool", "arguments"], ["tool", "arguments"], ["answer"]]);
  });

  it("offers only the named tool, and no answer, when a tool is forced", () => {
    const schema = replySchema([weather, time], { kind: "named", name: "get_time" }) as unknown as { properties: { tool: unknown } };
    expect(schema.properties.tool).toEqual({ const: "get_time" });
  });

  it("drops JSON Schema keywords the grammar cannot use", () => {
    expect(toGrammarSchema(weather.parameters)).toEqual({ type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false });
    expect(toGrammarSchema({ anyOf: [{ type: "string" }, { type: "null" }] })).toEqual({ oneOf: [{ type: "string" }, { type: "null" }] });
  });

  it("parses calls and answers, and reports truncated JSON as GENERATION_FAILED", () => {
    expect(parseReply('{"tool":"get_weather","arguments":{"city":"Oslo"}}')).toEqual({ kind: "tool", name: "get_weather", args: { city: "Oslo" } });
    expect(parseReply('{"answer":"Hi"}')).toEqual({ kind: "answer", text: "Hi" });
    expect(() => parseReply('{"answer":"Hi')).toThrowError(expect.objectContaining({ code: "GENERATION_FAILED" }));
  });
});

describe("message conversion", () => {
  const messages = [
    new SystemMessage("Be brief."),
    new HumanMessage("Weather in Oslo?"),
    new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "get_weather", args: { city: "Oslo" } }] }),
    new ToolMessage({ content: "Rainy, 8 degrees.", tool_call_id: "c1" }),
  ];

  it("attaches tool results to the function call that asked for them", () => {
    const history = toChatHistory(messages);
    expect(history).toEqual([
      { type: "system", text: "Be brief." },
      { type: "user", text: "Weather in Oslo?" },
      { type: "model", response: [{ type: "functionCall", name: "get_weather", params: { city: "Oslo" }, result: "Rainy, 8 degrees." }] },
    ]);
  });

  it("keeps an orphan tool result as data in a user turn instead of dropping it", () => {
    const history = toChatHistory([new HumanMessage("hi"), new ToolMessage({ content: "orphan", tool_call_id: "nope" })]);
    expect(history[1]).toEqual({ type: "user", text: "Tool result:\norphan" });
  });

  it("counts tool rounds since the last human message", () => {
    expect(toolRoundsSinceLastHuman(messages)).toBe(1);
    expect(toolRoundsSinceLastHuman([...messages, new AIMessage("ok"), new HumanMessage("and Bergen?")])).toBe(0);
  });
});
