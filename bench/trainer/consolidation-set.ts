// Writes the training set of a real 50-fact consolidation to bench/trainer/consolidation-50.jsonl,
// for bench/trainer's real-workload rows. The facts are bench/consolidation's invented ones (the
// same seed, the same set on every machine); the consolidation runs with the default settings and
// is killed by its own crash point right after the train stage has written its data (the point
// exists for the crash tests), so the file is exactly what the trainer would have been given.
//
//   npm run build && node dist/bench/trainer/consolidation-set.js [--facts 50]
import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { consolidate, ensureModel, HashingEmbedder, MemoryStore, rememberInteraction, SealRuntime, sentenceExtractor } from "../../src/index.js";
import { inventedFacts } from "../consolidation/invented-facts.js";

const { values } = parseArgs({ options: { facts: { type: "string", default: "50" }, child: { type: "string" } } });
const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), "../../..");

if (values.child) {
  // The child: remember the facts, consolidate, and be killed at "train:data".
  const store = MemoryStore.open({ path: values.child, embedder: new HashingEmbedder() });
  for (const fact of inventedFacts(Number(values.facts))) await rememberInteraction(store, ["bench"], sentenceExtractor, { user: fact.say, assistant: "Noted." });
  const runtime = await SealRuntime.load({ modelPath: (await ensureModel()).path });
  await consolidate(store, runtime, ["bench"], { settings: { review: "auto" } });
  throw new Error("the consolidation finished: the crash point train:data was never reached");
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), "seal-consolidation-set-"));
const child = spawnSync(process.execPath, [here, "--facts", String(values.facts), "--child", path.join(work, "store.db")], { env: { ...process.env, SEAL_CRASH_AT: "train:data" }, stdio: "inherit" });
if (child.signal !== "SIGKILL") throw new Error(`the consolidation ended with ${child.status ?? child.signal}, not at its crash point`);
const found = (await fs.readdir(work, { recursive: true })).filter((name) => name.endsWith(".train.jsonl"));
if (found.length !== 1) throw new Error(`expected one training file under ${work}, found ${found.length}`);
const out = path.join(root, "bench/trainer", `consolidation-${values.facts}.jsonl`);
await fs.copyFile(path.join(work, found[0] as string), out);
const lines = (await fs.readFile(out, "utf8")).split("\n").filter(Boolean).length;
process.stdout.write(`${out}: ${lines} examples\n`);
await fs.rm(work, { recursive: true, force: true });
