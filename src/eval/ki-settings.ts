import { z } from "zod";

/**
 * Settings of a knowledge-incorporation run. Every field is part of the cache key, so changing one
 * re-runs what it affects. Defaults were chosen on train-passages.jsonl, never on the evaluation
 * data (README "Knowledge-incorporation benchmark" lists what was tried).
 */
export const kiSettingsSchema = z
  .object({
    /** LoRA rank. */
    rank: z.number().int().positive().max(256).default(16),
    /** LoRA alpha. */
    alpha: z.number().positive().default(32),
    /** Peak learning rate (constant schedule, AdamW). */
    learningRate: z.number().positive().default(3e-3),
    /** Passes over a passage's training text. */
    epochs: z.number().int().positive().max(100).default(5),
    /** Self-edit samples per passage (`self`: sampled from the student writer; `teacher:*`: the first k in the data). */
    samples: z.number().int().positive().max(5).default(1),
    /**
     * Temperature of the student writer's self-edits (`self`): consolidation's default, so the
     * benchmark measures what the product bakes (0 = greedy; k > 1 needs > 0 to differ). Sample i
     * is drawn with seed `seed + i`.
     */
    selfEditTemperature: z.number().min(0).max(2).default(0.7),
    /** Longest self-edit the model may write, in tokens. */
    selfEditMaxTokens: z.number().int().positive().default(320),
    /** Longest answer, in tokens (answers are short; generation also stops at a newline). */
    answerMaxTokens: z.number().int().positive().default(24),
    /** Longest training sequence, in tokens. */
    sequenceLength: z.number().int().positive().default(320),
    /** Seed for adapters, example order and sampling. */
    seed: z.number().int().nonnegative().default(42),
  })
  .strict();

export type KiSettings = z.output<typeof kiSettingsSchema>;
export type KiSettingsInput = z.input<typeof kiSettingsSchema>;
