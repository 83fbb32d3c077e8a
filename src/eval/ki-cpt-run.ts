import { answerQuestions, type GradedAnswer } from "./ki-answer.js";
import { conditionName, type KiCondition } from "./ki-conditions.js";
import type { KiPassage } from "./ki-data.js";
import { writeSelfEdits, type KiPassageResult } from "./ki-passage-run.js";
import type { KiRunEnvironment } from "./ki-run-environment.js";
import type { KiSelfEditFiltering } from "./ki-self-edit.js";
import type { KiSettings } from "./ki-settings.js";
import { withTrainedAdapter } from "./ki-train.js";
import { itemTrainingTexts, trainingTexts } from "./self-edit-text.js";

/**
 * Continued-pretraining mode: one adapter trained over every passage's training text at once, then
 * every passage's questions asked of it. Seconds are the whole run's, spread evenly over passages.
 */
export async function runCptCondition(env: KiRunEnvironment, passages: readonly KiPassage[], condition: KiCondition, settings: KiSettings): Promise<KiPassageResult[]> {
  const started = performance.now();
  const name = conditionName(condition);
  const selfEditsByPassage = new Map<string, string[]>();
  const filteringByPassage = new Map<string, KiSelfEditFiltering>();
  const texts: string[] = [];
  for (const passage of passages) {
    if (condition.kind === "self") {
      // Already split into items and filtered (the product's strategy and filters).
      const { selfEdits, filtering } = await writeSelfEdits(env, passage, settings);
      selfEditsByPassage.set(passage.id, selfEdits);
      filteringByPassage.set(passage.id, filtering);
      texts.push(...itemTrainingTexts(passage.title, passage.context, selfEdits));
    } else {
      const selfEdits = condition.kind === "teacher" ? (passage.selfEdits[condition.writer] ?? []).slice(0, settings.samples) : [];
      selfEditsByPassage.set(passage.id, selfEdits);
      texts.push(...trainingTexts(passage.title, passage.context, selfEdits));
    }
  }
  const { value: answersByPassage, training } = await withTrainedAdapter(env, texts, settings, `cpt.${name}`, async (context) => {
    const all: GradedAnswer[][] = [];
    for (const passage of passages) all.push(await answerQuestions(context, passage.title, passage.questions, { maxTokens: settings.answerMaxTokens, ...(env.signal ? { signal: env.signal } : {}) }));
    return all;
  });
  const perPassage = (performance.now() - started) / 1000 / passages.length;
  return passages.map((passage, index) => {
    const selfEdits = selfEditsByPassage.get(passage.id) ?? [];
    const selfEditFilter = filteringByPassage.get(passage.id);
    return { passageId: passage.id, line: passage.line, condition: name, answers: answersByPassage[index] ?? [], ...(selfEdits.length ? { selfEdits } : {}), ...(selfEditFilter ? { selfEditFilter } : {}), training, seconds: perPassage };
  });
}
