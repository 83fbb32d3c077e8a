import type { LlamaContext } from "node-llama-cpp";
import type { SealRuntime } from "../model/runtime.js";
import type { TrainProgress } from "../train/train-options.js";
import { answerQuestions, complete, type GradedAnswer } from "./ki-answer.js";
import { conditionName, type KiCondition } from "./ki-conditions.js";
import type { KiPassage } from "./ki-data.js";
import type { KiSettings } from "./ki-settings.js";
import { implicationsPrompt, trainingTexts } from "./self-edit-text.js";
import { withTrainedAdapter, type KiTraining } from "./ki-train.js";

/** What one condition did on one passage: the unit the cache stores. */
export interface KiPassageResult {
  passageId: string;
  line: number;
  condition: string;
  answers: GradedAnswer[];
  /** The self-edit completions trained on (`self` and `teacher:*`). */
  selfEdits?: string[];
  /** Training examples and the trainer's first and final loss (trained conditions). */
  training?: KiTraining;
  /** `rag`: whether the passage retrieved for each question was the right one. */
  retrievedRight?: boolean[];
  seconds: number;
}

export interface KiRunEnvironment {
  runtime: SealRuntime;
  /** A context on the base model, shared by every untrained condition. */
  baseContext: LlamaContext;
  baseModelPath: string;
  /** Top passage for a question (`rag`), with its id. */
  retrieve: (question: string) => Promise<{ id: string; text: string } | undefined>;
  /** Scratch folder for training data and adapters (files are deleted after each passage). */
  workDir: string;
  threads?: number;
  signal?: AbortSignal;
  onTrainProgress?: (progress: TrainProgress) => void;
}

/**
 * Runs one condition on one passage with SEAL's single-passage protocol: a fresh adapter per
 * passage (trained conditions), then the passage's questions without the passage in the context.
 */
export async function runPassageCondition(env: KiRunEnvironment, passage: KiPassage, condition: KiCondition, settings: KiSettings): Promise<KiPassageResult> {
  const started = performance.now();
  const name = conditionName(condition);
  const common = { passageId: passage.id, line: passage.line, condition: name };
  const answerOptions = { maxTokens: settings.answerMaxTokens, ...(env.signal ? { signal: env.signal } : {}) };

  if (condition.kind === "base") {
    const answers = await answerQuestions(env.baseContext, passage.title, passage.questions, answerOptions);
    return { ...common, answers, seconds: seconds(started) };
  }
  if (condition.kind === "rag") {
    const retrievedRight: boolean[] = [];
    const answers = await answerQuestions(env.baseContext, passage.title, passage.questions, {
      ...answerOptions,
      retrieved: async (question) => {
        const hit = await env.retrieve(question);
        retrievedRight.push(hit?.id === passage.id);
        return hit?.text;
      },
    });
    return { ...common, answers, retrievedRight, seconds: seconds(started) };
  }

  const selfEdits = condition.kind === "self" ? await writeSelfEdits(env, passage, settings) : condition.kind === "teacher" ? (passage.selfEdits[condition.writer] ?? []).slice(0, settings.samples) : [];
  const texts = trainingTexts(passage.title, passage.context, selfEdits);
  const { value: answers, training } = await withTrainedAdapter(env, texts, settings, `${passage.id}.${name}`, (context) => answerQuestions(context, passage.title, passage.questions, answerOptions));
  return { ...common, answers, ...(selfEdits.length ? { selfEdits } : {}), training, seconds: seconds(started) };
}

/** The model's own implications: k completions of SEAL's prompt on the base model. */
export async function writeSelfEdits(env: KiRunEnvironment, passage: KiPassage, settings: KiSettings): Promise<string[]> {
  const completions: string[] = [];
  for (let sample = 0; sample < settings.samples; sample++) {
    completions.push(
      await complete(env.baseContext, implicationsPrompt(passage.title, passage.context), {
        maxTokens: settings.selfEditMaxTokens,
        temperature: settings.selfEditTemperature,
        seed: settings.seed + sample,
        ...(env.signal ? { signal: env.signal } : {}),
      }),
    );
  }
  return completions;
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}
