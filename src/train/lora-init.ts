import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseOptions } from "../config/parse-options.js";
import { SealError } from "../errors.js";
import { runNativeTool } from "./run-native-tool.js";

export const LORA_TARGETS = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"] as const;

export const createLoraAdapterOptionsSchema = z
  .object({
    /** The base GGUF model the adapter is for. */
    baseModelPath: z.string().min(1),
    /** Where to write the adapter (written to a temporary name, then renamed). */
    outPath: z.string().min(1),
    /** LoRA rank. Defaults to `16`. */
    rank: z.number().int().positive().max(1024).default(16),
    /** LoRA alpha; the update is scaled by alpha / rank. Defaults to `32`. */
    alpha: z.number().positive().default(32),
    /** Weight matrices to adapt. Defaults to all seven. */
    targets: z.array(z.enum(LORA_TARGETS)).nonempty().default([...LORA_TARGETS]),
    /** Random seed for A (and B when random). Defaults to `42`. */
    seed: z.number().int().nonnegative().default(42),
    /** "zero" (no effect until trained, the standard start) or "random" (for demos and tests). Defaults to `"zero"`. */
    bInit: z.enum(["zero", "random"]).default("zero"),
    /** Standard deviation of a random B. Defaults to `0.02`. */
    bStd: z.number().positive().default(0.02),
  })
  .strict();

export type CreateLoraAdapterOptions = z.input<typeof createLoraAdapterOptionsSchema>;

export interface CreatedAdapter {
  path: string;
  tensors: number;
  parameters: number;
  rank: number;
  alpha: number;
}

/** Writes a fresh, untrained LoRA adapter for a base model with the native `seal-lora-init`. */
export async function createLoraAdapter(options: CreateLoraAdapterOptions): Promise<CreatedAdapter> {
  const parsed = parseOptions(createLoraAdapterOptionsSchema, options, "createLoraAdapter");
  const outPath = path.resolve(parsed.outPath);
  await fs.access(path.dirname(outPath), fs.constants.W_OK).catch((error: unknown) => {
    throw new SealError("INVALID_OPTIONS", `Cannot write to ${path.dirname(outPath)}`, { hint: "Choose an output folder that exists and is writable.", context: { outPath }, cause: error });
  });
  const args = [
    "--base", path.resolve(parsed.baseModelPath),
    "--out", outPath,
    "--rank", String(parsed.rank),
    "--alpha", String(parsed.alpha),
    "--targets", parsed.targets.join(","),
    "--seed", String(parsed.seed),
    "--b-init", parsed.bInit,
    "--b-std", String(parsed.bStd),
  ];
  return runNativeTool<CreatedAdapter>("seal-lora-init", args);
}
