import { ChatSealLlama } from "../../model/chat/chat-seal-llama.js";
import type { AdapterSpec } from "../../model/adapter-spec.js";
import type { SealRuntime } from "../../model/runtime.js";

const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Get the current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string", description: "The city" } }, required: ["city"] },
  },
};

const PROMPTS = ["What is the weather in Paris right now?", "Use the weather tool for Tokyo."];

/** How many of the fixed tool-use prompts still produce a call of the right tool with its argument. */
export async function countToolCalls(runtime: SealRuntime, adapters: readonly AdapterSpec[]): Promise<{ ok: number; total: number }> {
  const model = new ChatSealLlama({ runtime, adapters, maxTokens: 64 });
  try {
    const bound = model.bindTools([WEATHER_TOOL], { tool_choice: "get_weather" } as never);
    let ok = 0;
    for (const prompt of PROMPTS) {
      const reply = await bound.invoke(prompt);
      const call = reply.tool_calls?.[0];
      if (call?.name === "get_weather" && typeof call.args.city === "string" && call.args.city.length > 0) ok++;
    }
    return { ok, total: PROMPTS.length };
  } finally {
    await model.dispose();
  }
}
