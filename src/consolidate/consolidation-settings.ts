import { z } from "zod";
import { LORA_TARGETS } from "../train/lora-init.js";
import { DRIFT_PROMPTS } from "./drift-prompts.js";

/** Who writes self-edits. The student is the served base model itself. */
export const writerSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("student") }).strict(),
  z.object({ kind: z.literal("gguf"), modelPath: z.string().min(1) }).strict(),
  z.object({ kind: z.literal("openai"), baseURL: z.string().url(), model: z.string().min(1), apiKeyEnv: z.string().min(1).optional() }).strict(),
]);
export type WriterSpec = z.infer<typeof writerSpecSchema>;

/**
 * Everything a run depends on. Stored with the run (a resumed run uses the settings it started
 * with) and with each adapter version (its manifest). Defaults were chosen with
 * `bench/consolidation` (README "Consolidation").
 */
export const consolidationSettingsSchema = z
  .object({
    /** "incremental": continue from the active version, replaying its units; "full": retrain from the base on them. */
    mode: z.enum(["incremental", "full"]).default("incremental"),
    /** Self-edit strategies, by name (plugins/consolidation). The unit's own text is always trained on. */
    strategies: z.array(z.string().min(1)).nonempty().default(["recall"]),
    writer: writerSpecSchema.default({ kind: "student" }),
    /** Self-edit samples per strategy and unit (k). */
    samples: z.number().int().min(1).max(8).default(1),
    /** Sampling temperature of the writer (k > 1 needs > 0 to differ). */
    temperature: z.number().min(0).max(2).default(0.7),
    /** Longest self-edit reply, in tokens. */
    selfEditMaxTokens: z.number().int().positive().default(200),
    /** Probes per memory (model-written where they pass the checks, templates for the rest). */
    probesPerMemory: z.number().int().min(2).max(6).default(2),
    /**
     * Tries per memory at a model-written probe (greedy first, then sampled). A grammar-constrained
     * try costs about 2 s on an idle 2-core machine (104 s for 50 memories), and the default 135M
     * model's probes mostly fail the checks (the question gives the answer away), so one try by
     * default; 0 uses the templates alone.
     */
    modelProbeAttempts: z.number().int().min(0).max(6).default(1),
    /**
     * After this many memories in a row for which none of the model's tries passed the checks,
     * the rest of the run uses templates (0: never give up). On the default model 0 of 24 tries
     * passed in two 12-fact runs; a capable writer keeps trying.
     */
    modelProbeGiveUpAfter: z.number().int().min(0).default(4),
    /**
     * Train on the base model's own replies to general prompts too (src/consolidate/anchor-prompts.ts):
     * a replay of its general behaviour, against drift.
     */
    anchors: z.boolean().default(true),
    /**
     * With the anchors, also the base model's own tool calls (src/consolidate/tool-anchors.ts), against
     * losing tool use. An agent without tools has no use for them (nor for gate.toolCallCheck).
     */
    toolAnchors: z.boolean().default(true),
    /** Share of the units already in the active version replayed in an incremental run (1: all). */
    replayShare: z.number().min(0).max(1).default(1),
    training: z
      .object({
        rank: z.number().int().positive().max(256).default(16),
        /**
         * The weight matrices a new adapter changes (llama.cpp's tensor names); an incremental run
         * continues the active version's adapter with the matrices it has. All seven by default:
         * the MLP alone answered more of the end-to-end test's 12 facts at a fraction of the drift,
         * but its 4-fact runs lost half the tool calls (README "Which matrices").
         */
        targets: z.array(z.enum(LORA_TARGETS)).nonempty().default([...LORA_TARGETS]),
        alpha: z.number().positive().default(32),
        learningRate: z.number().positive().default(1e-3),
        /**
         * Learning-rate schedule over the run's steps (AdamW): constant, or cosine decay to 0. Cosine
         * answered 12 and 11 of the end-to-end test's 12 facts (constant: 8) at lower drift, but
         * the test's third sequential run then lost a second tool call (5 of 8) and was rejected,
         * where constant passes: not the default yet (README "Which schedule").
         */
        schedule: z.enum(["constant", "cosine"]).default("constant"),
        epochs: z.number().int().positive().max(50).default(3),
        sequenceLength: z.number().int().min(16).max(2048).default(256),
        /**
         * Pack the run's examples into passes of at most this many tokens (`trainAdapter`'s
         * `packTokens`): 1.3x the tokens/s on a 50-fact run's examples on 2 cores (bench/trainer, weight copies on), but one
         * optimizer step per pass instead of one per example, so the same learning rate and
         * epochs learn less (README "Training adapters"). 0 (the default): one example per pass,
         * the setting every figure of the gate and the end-to-end test was measured with.
         */
        packTokens: z.number().int().min(0).max(4096).default(0),
        seed: z.number().int().nonnegative().default(42),
        threads: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    gate: z
      .object({
        /** Candidate accuracy on the new memories' probes minus the reference's, at least. */
        minGain: z.number().min(-1).max(1).default(0.25),
        /** Candidate accuracy on the memories already baked, as a share of the reference's, at least. */
        minRetention: z.number().min(0).max(1).default(0.8),
        /** Mean per-token log-probability the candidate loses on the base's own continuations of general prompts, at most (nats). */
        maxDrift: z.number().positive().default(0.6),
        /**
         * How many of the drift prompts (src/consolidate/drift-prompts.ts, in order) are scored:
         * each costs about 0.7 s per gate on an idle 2-core machine. Fewer give a faster, noisier
         * drift; the default threshold was chosen on all of them.
         */
        driftPrompts: z.number().int().min(1).max(DRIFT_PROMPTS.length).default(DRIFT_PROMPTS.length),
        /**
         * Tool-use prompts (src/consolidate/gate/tool-call-check.ts) the candidate may get wrong
         * beyond the reference's, at most. 1 of 8: one call flips either way after any training
         * on the 135M default; two lost calls are a trend.
         */
        maxToolCallLoss: z.number().int().min(0).default(1),
        /** Run the tool-call check at all: off for an agent that has no tools (its numbers are then 0 of 0). */
        toolCallCheck: z.boolean().default(true),
        /**
         * An incremental candidate that fails on retention is retrained once from the base on
         * every unit (a full retrain in the same run, as the design says: "when retention
         * falls"), and that candidate is gated instead. The first attempt's numbers stay in the
         * report (`incrementalAttempt`).
         */
        retrainOnRetentionLoss: z.boolean().default(true),
        /** Longest probe answer, in tokens. */
        answerMaxTokens: z.number().int().positive().default(24),
      })
      .strict()
      .default({}),
    /** "manual": a person approves (`seal review approve`); "auto": a candidate that passes the gate is approved, and that is recorded. */
    review: z.enum(["manual", "auto"]).default("manual"),
  })
  .strict();

export type ConsolidationSettings = z.output<typeof consolidationSettingsSchema>;
export type ConsolidationSettingsInput = z.input<typeof consolidationSettingsSchema>;
