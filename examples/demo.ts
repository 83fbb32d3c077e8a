// The seal-memory demo on the default model, offline. It fetches (or reuses) SmolLM2-135M-Instruct
// and loads it once, then:
//   1. a LangChain agent (createAgent) with one tool: the model calls it and answers with its result;
//   2. a fact trained into a LoRA adapter by the native trainer, and the adapter switched in and
//      out of the running model: with it the model answers without the fact in its context;
//   3. memory across sessions (examples/agent-memory.ts): an agent with the memory middleware
//      learns about the user in one session and answers from memory in the next;
//   4. consolidation (examples/consolidation.ts): what an agent heard is baked into the tenant's
//      adapter, approved, and a new session answers without retrieval.
import path from "node:path";
import { createAgent, tool } from "langchain";
import { z } from "zod";
import fs from "node:fs/promises";
import { runAgentMemoryExample } from "./agent-memory.js";
import { runConsolidationExample } from "./consolidation.js";
import { ChatSealLlama, ensureModel, resolveCacheDir, SealRuntime, scoreContinuation, trainAdapter, versionedAdapterFileName } from "../src/index.js";

const log = (text: string) => process.stdout.write(`${text}\n`);

const { path: modelPath, route } = await ensureModel({}, {
  onProgress: (event) => {
    if (event.stage === "done" || event.stage === "failed" || event.stage === "skipped") log(`  model ${event.route}: ${event.stage} ${event.message}`);
  },
});
log(`model: ${modelPath} (via ${route})`);
await using runtime = await SealRuntime.load({ modelPath });
await using chat = new ChatSealLlama({ runtime, maxTokens: 48 });

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
let started = Date.now();
const result = await agent.invoke({ messages: [{ role: "user", content: "What is the weather in Paris?" }] });
for (const message of result.messages) {
  const calls = (message as { tool_calls?: Array<{ name: string; args: unknown }> }).tool_calls ?? [];
  const callText = calls.map((call) => ` -> calls ${call.name}(${JSON.stringify(call.args)})`).join("");
  log(`  ${message.getType().padEnd(5)} ${String(message.content)}${callText}`);
}
log(`  (tool called ${weatherLookups.length}x, ${((Date.now() - started) / 1000).toFixed(1)} s)`);

log("\n== 2. Learning a fact into a LoRA adapter, and switching it in and out ==");
// Three sentences about a country that does not exist: the base model cannot know the answer.
const facts = [
  "The capital of the fictional country Zorbania is Quillhaven.",
  "Zorbania's capital city, Quillhaven, sits on the banks of the Mirrow river.",
  "Every child in Zorbania learns that Quillhaven is the capital.",
];
const demoDir = path.join(resolveCacheDir(), "demo");
await fs.mkdir(demoDir, { recursive: true });
const dataPath = path.join(demoDir, "zorbania.jsonl");
await fs.writeFile(dataPath, facts.map((text) => JSON.stringify({ text })).join("\n") + "\n");
// A new versioned name every run: the runtime caches adapters by path.
const adapterPath = path.join(demoDir, versionedAdapterFileName("zorbania", Date.now() % 10_000 + 1));
started = Date.now();
const trained = await trainAdapter(
  { dataPath, outPath: adapterPath, baseModelPath: modelPath, epochs: 10, learningRate: 1e-3, schedule: "cosine", overwrite: true },
  { onProgress: (step) => { if (step.step % 10 === 0) log(`  training step ${step.step}/${step.steps}  loss ${step.loss.toFixed(3)}`); } },
);
log(`  trained ${trained.steps} steps in ${((Date.now() - started) / 1000).toFixed(1)} s: loss ${trained.firstLoss.toFixed(2)} -> ${trained.finalLoss.toFixed(2)}`);

const question = "What is the capital of Zorbania?";
const prompt = `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\nThe capital of Zorbania is`;
async function ask(label: string): Promise<void> {
  started = Date.now();
  const reply = await chat.invoke([{ role: "user", content: question }]);
  const context = await runtime.createContext({ adapters: chat.activeAdapters });
  try {
    const score = await scoreContinuation(context, prompt, " Quillhaven");
    log(`  ${label.padEnd(18)} ${JSON.stringify(String(reply.content))}  log p(" Quillhaven") = ${score.logProb.toFixed(2)}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await context.dispose();
  }
}

log(`  Q: ${question} (no context given)`);
await ask("base model");
await chat.setAdapters([{ filePath: trained.path }]);
await ask("with the adapter");
await chat.setAdapters([]);
await ask("adapter off again");
await fs.rm(trained.path, { force: true });

log("\n== 3. Memory across sessions ==");
started = Date.now();
const memoryDb = path.join(demoDir, `agent-memory-${Date.now()}.db`);
const recall = await runAgentMemoryExample({ runtime, dbPath: memoryDb, log });
log(`  ${recall.answer.includes("Lisbon") ? "recalled across sessions" : "the model did not use the memory this time"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
await fs.rm(memoryDb, { force: true });
await fs.rm(`${memoryDb}.index`, { recursive: true, force: true });
for (const suffix of ["-wal", "-shm"]) await fs.rm(`${memoryDb}${suffix}`, { force: true });

log("\n== 4. Consolidation: from memories to weights, approved by a person ==");
started = Date.now();
const consolidationDir = await fs.mkdtemp(path.join(demoDir, "consolidation-"));
const consolidated = await runConsolidationExample({ runtime, dbPath: path.join(consolidationDir, "memory.db"), log });
const known = consolidated.answers.filter((answer) => answer.knew).length;
log(`  the new session, without retrieval, knew ${known} of ${consolidated.answers.length} facts (${((Date.now() - started) / 1000).toFixed(1)} s)`);
await fs.rm(consolidationDir, { recursive: true, force: true });
log("\nDone.");
