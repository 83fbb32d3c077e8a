import fs from "node:fs/promises";
import path from "node:path";

/** Three sentences about a fictional fact the base model cannot know. */
export const ZORBANIA_FACT = [
  "The capital of the fictional country Zorbania is Quillhaven.",
  "Zorbania's capital city, Quillhaven, sits on the banks of the Mirrow river.",
  "Every child in Zorbania learns that Quillhaven is the capital.",
];

export const ZORBANIA_QUESTION = "<|im_start|>user\nWhat is the capital of Zorbania?<|im_end|>\n<|im_start|>assistant\nThe capital of Zorbania is";
export const ZORBANIA_ANSWER = " Quillhaven";

export async function writeJsonl(dir: string, name: string, rows: unknown[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, rows.map((row) => JSON.stringify(row)).join("\n") + "\n");
  return file;
}

/** Deterministic filler words for long prompts (a linear congruential generator, seeded). */
export function randomWords(count: number, seed: number): string {
  const words = ["amber", "basalt", "cobalt", "delta", "ember", "fjord", "granite", "harbor", "indigo", "jasper", "kelp", "lumen", "marble", "nectar", "onyx", "prairie", "quartz", "river", "sierra", "tundra"];
  let state = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push(words[state % words.length] as string);
  }
  return out.join(" ");
}
