// bench/contention: chat latency while a training runs on the same CPUs.
//
//   node dist/bench/contention.js [--questions 3] [--threads 1,2]
//
// Consolidation trains while agents serve. For each inference thread count, the same tool-agent
// questions are timed on an idle machine, while seal-train runs at normal priority, and while it
// runs at low priority (niceness 10, trainAdapter's default). All rows come from one run, so the
// ratios compare like with like. Prints a table and writes bench/results/contention.{json,txt}.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createAgent, tool } from "langchain";
import { z } from "zod";
import { ChatSealLlama, ensureModel, SealRuntime, trainAdapter } from "../src/index.js";

const { values } = parseArgs({ options: { questions: { type: "string", default: "3" }, threads: { type: "string", default: "1,2" } } });
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.basename(path.dirname(here)) === "dist" ? path.resolve(here, "../..") : path.resolve(here, "..");
const QUESTIONS = ["What is the temperature in Madrid?", "What is 17 plus 25?", "Name three colours.", "What is the temperature in Oslo?", "Say hello in French."].slice(0, Number(values.questions));
const modelPath = (await ensureModel()).path;
const work = await fs.mkdtemp(path.join(os.tmpdir(), "seal-bench-contention-"));
const data = path.join(work, "train.jsonl");
await fs.writeFile(data, `${Array.from({ length: 16 }, (_, index) => JSON.stringify({ text: `Fact ${index}: the lighthouse of Quillhaven was painted blue in ${1900 + index}, and its keeper kept a log of every ship that passed.` })).join("\n")}\n`);

const getTemperature = tool(async ({ city }) => `The temperature in ${city} is 21 degrees.`, { name: "get_temperature", description: "Get the current temperature in a city.", schema: z.object({ city: z.string() }) });

async function timeQuestions(runtime: SealRuntime): Promise<number> {
  const model = new ChatSealLlama({ runtime, maxTokens: 48 });
  const agent = createAgent({ model, tools: [getTemperature] });
  const started = performance.now();
  for (const question of QUESTIONS) await agent.invoke({ messages: [{ role: "user", content: question }] });
  await model.dispose();
  return (performance.now() - started) / 1000;
}

/** Starts a long training and resolves once it is past its first step (model loaded, threads busy). */
async function startTraining(priority: "low" | "normal"): Promise<{ stop: () => Promise<void> }> {
  const controller = new AbortController();
  let stepped: () => void = () => {};
  const firstStep = new Promise<void>((resolve) => (stepped = resolve));
  const run = trainAdapter({ dataPath: data, outPath: path.join(work, `adapter-${priority}-${Date.now()}.gguf`), epochs: 500, learningRate: 1e-4, priority, overwrite: true }, { signal: controller.signal, onProgress: () => stepped() }).catch(() => undefined);
  await firstStep;
  return {
    stop: async () => {
      controller.abort();
      await run;
    },
  };
}

interface Row { threads: number; condition: string; seconds: number }
const rows: Row[] = [];
for (const threads of values.threads.split(",").map(Number)) {
  const runtime = await SealRuntime.load({ modelPath, threads });
  await timeQuestions(runtime); // warm-up: the first turn pays for grammar and context creation
  rows.push({ threads, condition: "idle", seconds: await timeQuestions(runtime) });
  for (const priority of ["normal", "low"] as const) {
    const training = await startTraining(priority);
    rows.push({ threads, condition: `seal-train at ${priority} priority`, seconds: await timeQuestions(runtime) });
    await training.stop();
  }
  await runtime.dispose();
}

const cpu = os.cpus()[0]?.model ?? "unknown";
const lines = [`bench/contention on ${cpu}, ${os.availableParallelism()} CPUs; ${QUESTIONS.length} tool-agent questions per row (SmolLM2-135M Q4_1, maxTokens 48); the trainer uses ${os.availableParallelism()} threads`, "", "| inference threads | while | seconds | vs idle, same threads |", "|---:|---|---:|---:|"];
for (const row of rows) {
  const idle = rows.find((candidate) => candidate.threads === row.threads && candidate.condition === "idle")?.seconds ?? row.seconds;
  lines.push(`| ${row.threads} | ${row.condition} | ${row.seconds.toFixed(1)} | ${(row.seconds / idle).toFixed(2)}x |`);
}
process.stdout.write(`${lines.join("\n")}\n`);
await fs.mkdir(path.join(root, "bench/results"), { recursive: true });
await fs.writeFile(path.join(root, "bench/results/contention.txt"), `${lines.join("\n")}\n`);
await fs.writeFile(path.join(root, "bench/results/contention.json"), `${JSON.stringify({ cpu, cpus: os.availableParallelism(), questions: QUESTIONS, rows }, null, 2)}\n`);
await fs.rm(work, { recursive: true, force: true });
