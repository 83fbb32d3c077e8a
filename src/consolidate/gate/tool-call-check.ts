import { ChatSealLlama } from "../../model/chat/chat-seal-llama.js";
import type { AdapterSpec } from "../../model/adapter-spec.js";
import type { SealRuntime } from "../../model/runtime.js";

const TOOLS = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      description: "Get the current weather for a city",
      parameters: { type: "object", properties: { city: { type: "string", description: "The city" } }, required: ["city"] },
    },
  },
  {
    type: "function" as const,
    function: {
      name: "search_web",
      description: "Search the web",
      parameters: { type: "object", properties: { query: { type: "string", description: "What to search for" } }, required: ["query"] },
    },
  },
];

/**
 * Tool-use prompts with the tool the agent would force and a word its argument must carry. The
 * tool is forced (the grammar fixes the name), so what is checked is what training can damage:
 * whether the model still fills the argument from the request. Eight prompts, not two: on the
 * 135M default model one call can flip either way after any training, and with two prompts that
 * one call vetoed a 50-fact run whose drift and gain were fine (bench/consolidation).
 */
export const TOOL_CHECK_PROMPTS: ReadonlyArray<{ prompt: string; tool: string; argument: string; mustContain: string }> = [
  { prompt: "What is the weather in Paris right now?", tool: "get_weather", argument: "city", mustContain: "paris" },
  { prompt: "Use the weather tool for Tokyo.", tool: "get_weather", argument: "city", mustContain: "tokyo" },
  { prompt: "Is it raining in London today?", tool: "get_weather", argument: "city", mustContain: "london" },
  { prompt: "How cold is it in Oslo?", tool: "get_weather", argument: "city", mustContain: "oslo" },
  { prompt: "Search the web for the population of Canada.", tool: "search_web", argument: "query", mustContain: "canada" },
  { prompt: "Look up the recipe for pancakes.", tool: "search_web", argument: "query", mustContain: "pancake" },
  { prompt: "Find news about electric cars.", tool: "search_web", argument: "query", mustContain: "electric" },
  { prompt: "Search for the tallest mountain in Africa.", tool: "search_web", argument: "query", mustContain: "mountain" },
];

export interface ToolCallCount {
  ok: number;
  total: number;
  /** The prompts that failed, with what the model called (shown in review). */
  misses: Array<{ prompt: string; got: string }>;
}

/** How many of the fixed tool-use prompts still produce a call of the right tool whose argument carries the request's key word. */
export async function countToolCalls(runtime: SealRuntime, adapters: readonly AdapterSpec[], signal?: AbortSignal): Promise<ToolCallCount> {
  const model = new ChatSealLlama({ runtime, adapters, maxTokens: 48 });
  try {
    let ok = 0;
    const misses: ToolCallCount["misses"] = [];
    for (const check of TOOL_CHECK_PROMPTS) {
      signal?.throwIfAborted();
      const reply = await model.bindTools(TOOLS, { tool_choice: check.tool } as never).invoke(check.prompt);
      const call = reply.tool_calls?.[0];
      const value = call?.args[check.argument];
      if (call?.name === check.tool && typeof value === "string" && value.toLowerCase().includes(check.mustContain)) ok++;
      else misses.push({ prompt: check.prompt, got: call ? `${call.name}(${JSON.stringify(call.args)})` : `no call: ${JSON.stringify(String(reply.content).slice(0, 200))}` });
    }
    return { ok, total: TOOL_CHECK_PROMPTS.length, misses };
  } finally {
    await model.dispose();
  }
}
