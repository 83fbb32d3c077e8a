import fs from "node:fs/promises";
import path from "node:path";
import { containsAnswer } from "../../src/eval/squad-grading.js";
import type { InventedFact } from "../fixtures/invented-facts.js";
import { runSeal } from "./run-cli.js";

/** A chat log as `seal memories import` reads it: each fact said by the user, acknowledged. */
export async function writeChatLog(file: string, lines: readonly string[]): Promise<string> {
  const rows = lines.flatMap((content) => [{ role: "user", content }, { role: "assistant", content: "Noted." }]);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
  return file;
}

/** Runs `seal … --json` and parses its output, failing with the CLI's own words if it did not succeed. */
export async function sealJson<T = Record<string, unknown>>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const result = await runSeal([...args, "--json"], env);
  if (result.code !== 0) throw new Error(`seal ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Asks every fact's question through `seal ask --no-memory` and counts the right answers. */
export async function askFacts(store: string, tenant: string, facts: readonly InventedFact[]): Promise<{ correct: number; answers: string[]; version: number }> {
  const reply = await sealJson<{ answers: Array<{ question: string; answer: string }>; version: number }>(["ask", "--store", store, "--tenant", tenant, "--no-memory", "--max-tokens", "32", ...facts.map((fact) => fact.question)]);
  const answers = reply.answers.map((entry) => entry.answer);
  return { correct: facts.filter((fact, index) => containsAnswer(answers[index] ?? "", fact.answer)).length, answers, version: reply.version };
}
