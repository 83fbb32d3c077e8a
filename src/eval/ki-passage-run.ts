import type { LlamaContext } from "node-llama-cpp";
import { SealError } from "../errors.js";
import { answerQuestions, type GradedAnswer } from "./ki-answer.js";
import { conditionName, type KiCondition } from "./ki-conditions.js";
import type { KiPassage } from "./ki-data.js";
import type { KiRunEnvironment } from "./ki-run-environment.js";
import { reasonGroup, selfEditItemText, type KiSelfEditFiltering, type KiSelfEditItem, type KiUnit } from "./ki-self-edit.js";
import type { KiSettings } from "./ki-settings.js";
import { itemTrainingTexts, trainingTexts } from "./self-edit-text.js";
import { withTrainedAdapter, type KiTraining } from "./ki-train.js";

/** What one condition did on one passage: the unit the cache stores. */
export interface KiPassageResult {
  passageId: string;
  line: number;
  condition: string;
  answers: GradedAnswer[];
  /** The self-edits trained on: `teacher:*`, the data's completions; `self`, the items the filters kept. */
  selfEdits?: string[];
  /** `self`: how many items the writer's replies gave, how many the filters kept and dropped, and why. */
  selfEditFilter?: KiSelfEditFiltering;
  /** Training examples and the trainer's first and final loss (trained conditions). */
  training?: KiTraining;
  /** `rag`: whether the passage retrieved for each question was the right one. */
  retrievedRight?: boolean[];
  seconds: number;
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

  if (condition.kind === "self") {
    const { selfEdits, filtering } = await writeSelfEdits(env, passage, settings);
    const texts = itemTrainingTexts(passage.title, passage.context, selfEdits);
    const { value: answers, training } = await withTrainedAdapter(env, texts, settings, `${passage.id}.${name}`, (context) => answerQuestions(context, passage.title, passage.questions, answerOptions));
    return { ...common, answers, selfEdits, selfEditFilter: filtering, training, seconds: seconds(started) };
  }
  const selfEdits = condition.kind === "teacher" ? (passage.selfEdits[condition.writer] ?? []).slice(0, settings.samples) : [];
  const texts = trainingTexts(passage.title, passage.context, selfEdits);
  const { value: answers, training } = await withTrainedAdapter(env, texts, settings, `${passage.id}.${name}`, (context) => answerQuestions(context, passage.title, passage.questions, answerOptions));
  return { ...common, answers, ...(selfEdits.length ? { selfEdits } : {}), training, seconds: seconds(started) };
}

/**
 * The model's own self-edits, as the product's consolidation writes them: k samples from the
 * injected writer (the student, through its chat template) answering the strategy's prompt for the
 * passage, at the settings' temperature with seed `seed + sample`, parsed by the strategy, then
 * filtered against the passage as one unit (all samples together, as consolidation's write stage
 * does, so a duplicate across samples is dropped). Returns the kept items' text and the filters' counts.
 */
export async function writeSelfEdits(env: KiRunEnvironment, passage: KiPassage, settings: KiSettings): Promise<{ selfEdits: string[]; filtering: KiSelfEditFiltering }> {
  if (!env.selfEdits) {
    throw new SealError("INVALID_OPTIONS", "The self condition needs the product's self-edit writer, strategy and filters", {
      hint: "Pass `selfEdits: { createWriter, strategy, filter }` to runKiBenchmark (`seal bench ki` passes studentWriter, the implications strategy and filterSelfEdits).",
    });
  }
  const { writer, strategy, filter } = env.selfEdits;
  const unit: KiUnit = { title: passage.title, text: passage.context };
  const prompt = strategy.prompt(unit);
  const items: KiSelfEditItem[] = [];
  if (!prompt) {
    items.push(...strategy.parse("", unit));
  } else {
    for (let sample = 0; sample < settings.samples; sample++) {
      const reply = await writer.write(prompt, {
        temperature: settings.selfEditTemperature,
        seed: settings.seed + sample,
        maxTokens: settings.selfEditMaxTokens,
        ...(env.signal ? { signal: env.signal } : {}),
      });
      items.push(...strategy.parse(reply, unit));
    }
  }
  const verdicts = filter(items, unit);
  const selfEdits: string[] = [];
  const droppedBy: Record<string, number> = {};
  const droppedItems: KiSelfEditFiltering["droppedItems"] = [];
  for (const verdict of verdicts) {
    const text = selfEditItemText(verdict.item);
    if (verdict.kept) {
      selfEdits.push(text);
      continue;
    }
    const reason = verdict.reason ?? "dropped";
    droppedBy[reasonGroup(reason)] = (droppedBy[reasonGroup(reason)] ?? 0) + 1;
    droppedItems.push({ text, reason });
  }
  return {
    selfEdits,
    filtering: { writer: writer.id, strategy: strategy.name, items: items.length, kept: selfEdits.length, dropped: droppedItems.length, droppedBy, droppedItems },
  };
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}
