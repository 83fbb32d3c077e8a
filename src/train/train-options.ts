import { z } from "zod";
import { LORA_TARGETS } from "./lora-init.js";

export const trainAdapterOptionsSchema = z
  .object({
    /** JSON Lines: {"text"} or {"prompt", "completion"} per line. */
    dataPath: z.string().min(1),
    /** Where to write the adapter (written to a temporary name and renamed when done). */
    outPath: z.string().min(1),
    /**
     * Replace an existing file at `outPath`. Defaults to `false`: an existing file is refused with
     * OUTPUT_EXISTS before training starts, so that a finished adapter is never lost by accident.
     */
    overwrite: z.boolean().default(false),
    /** The base GGUF model. Defaults to the default model (`ensureModel()`). */
    baseModelPath: z.string().min(1).optional(),
    /** Continue training this adapter instead of starting fresh. */
    initFrom: z.string().min(1).optional(),
    /** LoRA rank. Defaults to `16`. */
    rank: z.number().int().positive().max(1024).default(16),
    /** LoRA alpha (the update is scaled by alpha / rank). Defaults to `32`. */
    alpha: z.number().positive().default(32),
    /** Weight matrices to adapt. Defaults to all seven. */
    targets: z.array(z.enum(LORA_TARGETS)).nonempty().default([...LORA_TARGETS]),
    /** Peak learning rate (AdamW). Defaults to `1e-4`. */
    learningRate: z.number().positive().default(1e-4),
    /** Final learning rate of the cosine schedule. Defaults to `0`. */
    minLearningRate: z.number().nonnegative().default(0),
    /** AdamW weight decay. Defaults to `0`. */
    weightDecay: z.number().min(0).max(1).default(0),
    /** Optimizer steps of linear warm-up. Defaults to `0`. */
    warmupSteps: z.number().int().nonnegative().default(0),
    /** Learning-rate schedule after warm-up. Defaults to `"constant"`. */
    schedule: z.enum(["constant", "cosine"]).default("constant"),
    /** Passes over the data. Defaults to `1`. */
    epochs: z.number().int().positive().default(1),
    /** Sequences per optimizer step (gradient accumulation). Defaults to `1`. */
    batchSize: z.number().int().positive().default(1),
    /**
     * Pack several examples into one forward/backward pass of at most this many tokens, each
     * attending only to itself (llama.cpp patches 0007-0008). A pass is one micro-batch: its loss
     * is the mean of its examples' losses, the same training as those examples one at a time with
     * gradient accumulation over them. `0` (the default): one example per pass.
     */
    packTokens: z.number().int().nonnegative().max(16384).default(0),
    /**
     * How a packed pass computes attention. `"auto"` (the default): each example over its own
     * tokens only, in a padded block layout (llama.cpp patch 0012), where that costs less than the
     * whole pass masked, i.e. when the examples of a pass have similar lengths. `"masked"`: the
     * whole pass, masked, for comparisons. Both are the same attention up to summation order.
     */
    packedAttention: z.enum(["auto", "masked"]).default("auto"),
    /**
     * Run LoRA's rank-sized F32 products (the B matrix times the A projection) on a kernel that
     * computes sixteen outputs at a time (llama.cpp patch 0013, CPUs with AVX-512), with the same
     * results bit for bit. `"off"`: llamafile's tinyBLAS, for comparisons. Defaults to `"on"`.
     */
    shortKKernel: z.enum(["on", "off"]).default("on"),
    /**
     * Run the products through the base's BF16 weight copies (`weightCopy`) on a kernel that keeps
     * 48 outputs of a column in registers, the copies stored in panels of 48 rows (llama.cpp patch
     * 0014, CPUs with AVX512-BF16): 1.2-1.3x faster training than tinyBLAS on a 2-core EPYC. Its
     * sums run in another order, so results differ from tinyBLAS's by float rounding.
     * `"tinyblas"`: llamafile's tinyBLAS and its numbers. Defaults to `"panels"`.
     */
    bf16Kernel: z.enum(["panels", "tinyblas"]).default("panels"),
    /** Longest sequence in tokens. Defaults to `256`. */
    sequenceLength: z.number().int().min(2).max(8192).default(256),
    /** What to do with a longer example: keep its first `sequenceLength` tokens (with a warning), or refuse. Defaults to `"truncate"`. */
    onOverlong: z.enum(["truncate", "error"]).default("truncate"),
    /** Seed for the adapter's initialisation and the example order. Defaults to `42`. */
    seed: z.number().int().nonnegative().default(42),
    /** CPU threads. Defaults to the CPUs this process may use. */
    threads: z.number().int().positive().optional(),
    /**
     * Run the matrix products through BF16 copies of the base's matrices, as BF16 GEMMs: the
     * backward pass through a transposed copy (llama.cpp patch 0006) and, for a quantized base,
     * the forward pass through a copy in its own layout (patch 0009). Faster (a SEAL unit of 15
     * examples, 5 epochs, packed, Q4_1: 22.2 s off, 9.4 s on, on a 2-core EPYC), for one or two
     * BF16 copies of the base in memory. `"auto"` (the default) uses it for a BF16 base
     * (`dequantizeModel(..., { type: "bf16" })`) and not for a quantized one, which is chosen for
     * its small size. `"backward"`: the backward copy alone, the forward pass exactly as without
     * copies (the consolidation's choice: its gate was measured with that forward pass).
     */
    weightCopy: z.enum(["auto", "on", "off", "backward"]).default("auto"),
    /**
     * CPU priority of the trainer process. Defaults to `"low"` (niceness 10): training uses every
     * core for minutes, and the machine's interactive work should come first. `"normal"` keeps
     * this process's own priority.
     */
    priority: z.enum(["low", "normal"]).default("low"),
  })
  .strict();

export type TrainAdapterOptions = z.input<typeof trainAdapterOptionsSchema>;
export type ParsedTrainAdapterOptions = z.output<typeof trainAdapterOptionsSchema>;

/** One optimizer step, as the trainer reports it. */
export interface TrainProgress {
  step: number;
  steps: number;
  epoch: number;
  /** Mean loss of the step's sequences (mean cross-entropy over their labelled tokens). */
  loss: number;
  learningRate: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

export interface TrainWarning {
  code: string;
  line?: number;
  message: string;
}

export interface TrainResult {
  path: string;
  steps: number;
  /** Loss of the first step, computed before any update. */
  firstLoss: number;
  finalLoss: number;
  seconds: number;
  tokensPerSecond: number;
  /** Peak resident memory of the trainer process. */
  peakRssBytes: number;
  /** The threads the trainer computed with. */
  threads: number;
  /** CPU time (user + system) over the training loop: next to `seconds`, how many threads really worked. */
  cpuSeconds: number;
  /** The BF16 copies of the base's matrices that `weightCopy` made: for the forward and the backward products, and their bytes. */
  weightCopies: { forward: number; backward: number; bytes: number };
  /** Matrix products that ran on the kernel for LoRA's rank-sized reductions (llama.cpp patch 0013); 0 where the CPU has no AVX-512 or `shortKKernel` is off. */
  shortKProducts: number;
  /** Products through the weight copies that ran on the panel kernel (llama.cpp patch 0014); 0 where the CPU has no AVX512-BF16, `weightCopy` made no copies or `bf16Kernel` is `"tinyblas"`. */
  packedBf16Products: number;
  trainableParameters: number;
  warnings: TrainWarning[];
  /** Provenance written into the adapter's metadata. */
  metadata: Record<string, string>;
}
