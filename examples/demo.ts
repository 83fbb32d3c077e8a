// The seal-memory demo on the default model, offline:
//   1. fetch (or reuse) SmolLM2-135M-Instruct and load it once;
//   2. a LangChain agent (createAgent) with one tool: the model calls it and answers with its result;
//   3. LoRA adapters switched in and out of the running model.
// Memory and consolidation join this demo as they are built.
import path from "node:path";
import { createAgent, tool } from "langchain";
import { z } from "zod";
import { ChatSealLlama, createLoraAdapter, ensureModel, resolveCacheDir, SealRuntime, scoreContinuation, versionedAdapterFileName } from "../src/index.js";

const log = (text: string) => process.stdout.write(`${text}\n`);

const { path: modelPath, route } = await ensureModel({}, {
  onProgress: (event) => {
    if (event.stage === "done" || event.stage === "failed" || event.stage === "skipped") log(`  model ${event.route}: ${event.stage} ${event.message}`);
  },
});
log(`model: ${modelPath} (via ${route})`);
await using runtime = await SealRuntime.load({ modelPath });
await using chat = new ChatSealLlama({ runtime });

log("\n== 1. An agent with a tool ==");
const weatherLookups: string[] = [];
const getWeather = tool(
  async ({ city }) => {
    weatherLookups.push(city);
    return `It is 21 degrees and sunny in ${city}.`;
  },
  { name: "get_weather", description: "Get the current weather in a city.", schema: z.object({ city: z.string().describe("The city name") }) },
);
const agent = createAgent({ model: chat, tools: [getWeather] });
const question = "What is the weather in Paris?";
let started = Date.now();
const result = await agent.invoke({ messages: [{ role: "user", content: question }] });
for (const message of result.messages) {
  const calls = (message as { tool_calls?: Array<{ name: string; args: unknown }> }).tool_calls ?? [];
  const callText = calls.map((call) => ` -> calls ${call.name}(${JSON.stringify(call.args)})`).join("");
  log(`  ${message.getType().padEnd(5)} ${String(message.content)}${callText}`);
}
log(`  (tool called ${weatherLookups.length}x, ${((Date.now() - started) / 1000).toFixed(1)} s)`);

log("\n== 2. Switching LoRA adapters without a restart ==");
// No adapter has been trained yet (that is `seal train`, coming next), so this makes an untrained
// one with random B: it changes the model visibly, which is all a switch demo needs.
const adapterPath = path.join(resolveCacheDir(), "demo", versionedAdapterFileName("demo-random", 1));
await import("node:fs/promises").then((fs) => fs.mkdir(path.dirname(adapterPath), { recursive: true }));
await createLoraAdapter({ baseModelPath: modelPath, outPath: adapterPath, rank: 8, targets: ["attn_q", "attn_v"], bInit: "random", bStd: 0.05 });
const prompt = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n";
const answer = "The capital of France is Paris.";

async function ask(label: string): Promise<void> {
  started = Date.now();
  const reply = await chat.invoke([{ role: "user", content: "What is the capital of France?" }]);
  const context = await runtime.createContext({ adapters: chat.activeAdapters });
  try {
    const score = await scoreContinuation(context, prompt, answer);
    log(`  ${label.padEnd(22)} reply: ${JSON.stringify(String(reply.content))}  log p("${answer}") = ${score.logProb.toFixed(2)}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await context.dispose();
  }
}

await ask("base model");
await chat.setAdapters([{ filePath: adapterPath, scale: 1 }]);
await ask("with random adapter");
await chat.setAdapters([]);
await ask("adapter switched off");
log("\nDone.");
