import fs from "node:fs/promises";
import { z } from "zod";
import { SealError } from "../errors.js";

/** One passage of a knowledge-incorporation data file (`eval-dev.jsonl` format). */
export interface KiPassage {
  /** 1-based line in the file, for error messages and reports. */
  line: number;
  id: string;
  title: string;
  context: string;
  questions: Array<{ question: string; answer: string }>;
  /** Self-edit completions by writer name (e.g. "gpt-4.1"); may be empty. */
  selfEdits: Record<string, string[]>;
}

const lineSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  context: z.string().min(1),
  questions: z.array(z.object({ question: z.string().min(1), answer: z.string().min(1) })),
  selfEdits: z.record(z.string(), z.array(z.string())).default({}),
});

/**
 * Reads and checks a data file. Every problem names its line: a line that is not JSON or lacks a
 * field, a passage with no questions, or a duplicate id. Blank lines are skipped.
 */
export async function readKiData(file: string): Promise<KiPassage[]> {
  const text = await fs.readFile(file, "utf8").catch((error: unknown) => {
    throw new SealError("BENCH_DATA_INVALID", `Cannot read the data file ${file}`, { hint: "Pass a JSON Lines file with --data.", context: { file }, cause: error });
  });
  const passages: KiPassage[] = [];
  const seen = new Map<string, number>();
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    const fail = (message: string, hint: string): never => {
      throw new SealError("BENCH_DATA_INVALID", `${file}:${line}: ${message}`, { hint, context: { file, line } });
    };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`, "Each line must be one JSON object: {id, title, context, questions[{question, answer}], selfEdits}.");
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(`${issue?.path.join(".") || "line"}: ${issue?.message ?? "invalid"}`, "Each line needs id, title, context and questions[{question, answer}]; selfEdits maps writer names to completions.");
    }
    const passage = parsed.data as z.output<typeof lineSchema>;
    if (passage.questions.length === 0) fail(`passage ${passage.id} has no questions`, "Remove the passage or add its questions: it cannot be scored without them.");
    const earlier = seen.get(passage.id);
    if (earlier !== undefined) fail(`passage id ${passage.id} already used on line ${earlier}`, "Passage ids key the benchmark's cache and must be unique.");
    seen.set(passage.id, line);
    passages.push({ line, ...passage });
  });
  if (passages.length === 0) throw new SealError("BENCH_DATA_INVALID", `${file} has no passages`, { hint: "Pass a non-empty JSON Lines file with --data.", context: { file } });
  return passages;
}
