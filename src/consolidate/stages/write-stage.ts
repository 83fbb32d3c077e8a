import { SealError } from "../../errors.js";
import { insertSelfEdit, markUnitWritten, unitsOfRun, type UnitRow } from "../../store/consolidation-content.js";
import { updateRun } from "../../store/consolidation-runs.js";
import { writeTransaction } from "../../store/write-transaction.js";
import type { SelfEditItem, UnitText } from "../plugin-types.js";
import { crashPoint } from "../../config/crash-points.js";
import type { RunContext } from "../run-context.js";
import { filterSelfEdits } from "../self-edit-filters.js";

/**
 * write: k samples per strategy and unit from the writer, filtered (duplicates, repetition, names
 * or numbers the unit does not contain). Kept and dropped self-edits are stored, the dropped ones
 * with why, in one transaction per unit; a resumed stage skips the units already written.
 * Sampling seeds derive from the settings, so a resumed run writes what an uninterrupted one would.
 */
export async function writeStage(ctx: RunContext): Promise<{ kept: number; dropped: number }> {
  const units = unitsOfRun(ctx.db, ctx.runId);
  let kept = 0;
  let dropped = 0;
  for (const [index, unit] of units.entries()) {
    ctx.heartbeat();
    ctx.progress({ stage: "write", done: index, total: units.length, message: unit.subject ?? undefined });
    if (unit.written === 1 || unit.text === null) continue;
    const rows = await selfEditsFor(ctx, unit, unitText(unit));
    writeTransaction(ctx.db, () => {
      for (const row of rows) insertSelfEdit(ctx.db, { unitId: unit.id, ...row });
      markUnitWritten(ctx.db, unit.id);
    });
    if (index === 0) crashPoint("write:middle");
    kept += rows.filter((row) => row.kept).length;
    dropped += rows.filter((row) => !row.kept).length;
  }
  ctx.progress({ stage: "write", done: units.length, total: units.length });
  crashPoint("write:end");
  writeTransaction(ctx.db, () => updateRun(ctx.db, ctx.runId, { stage: "train" }, ctx.now()));
  return { kept, dropped };
}

export function unitText(unit: Pick<UnitRow, "subject" | "text">): UnitText {
  const text = unit.text ?? "";
  return { title: unit.subject ?? text.split(/\s+/).slice(0, 6).join(" "), text };
}

type SelfEditRowInput = { strategy: string; writer: string; sample: number; text: string; answer: string | null; kept: boolean; filterReason: string | null };

async function selfEditsFor(ctx: RunContext, unit: UnitRow, text: UnitText): Promise<SelfEditRowInput[]> {
  const rows: SelfEditRowInput[] = [];
  const produced: Array<{ strategy: string; writer: string; sample: number; item: SelfEditItem }> = [];
  for (const [strategyIndex, name] of ctx.settings.strategies.entries()) {
    const strategy = ctx.strategies.get(name);
    if (!strategy) throw new SealError("INVALID_OPTIONS", `Unknown self-edit strategy "${name}"`, { hint: `Strategies: ${[...ctx.strategies.keys()].join(", ")}.` });
    const prompt = strategy.prompt(text);
    if (!prompt) {
      for (const item of strategy.parse("", text)) produced.push({ strategy: name, writer: "none", sample: 0, item });
      continue;
    }
    for (let sample = 0; sample < ctx.settings.samples; sample++) {
      const reply = await ctx.writer.write(prompt, {
        temperature: ctx.settings.temperature,
        seed: ctx.settings.training.seed + 1000 * unit.id + 100 * strategyIndex + sample,
        maxTokens: ctx.settings.selfEditMaxTokens,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      for (const item of strategy.parse(reply, text)) produced.push({ strategy: name, writer: ctx.writer.id, sample, item });
    }
  }
  const verdicts = filterSelfEdits(produced.map((entry) => entry.item), text);
  for (const [index, entry] of produced.entries()) {
    const verdict = verdicts[index];
    const item = entry.item;
    rows.push({
      strategy: entry.strategy,
      writer: entry.writer,
      sample: entry.sample,
      text: item.kind === "qa" ? item.question : item.text,
      answer: item.kind === "qa" ? item.answer : null,
      kept: verdict?.kept ?? false,
      filterReason: verdict?.reason ?? null,
    });
  }
  return rows;
}
