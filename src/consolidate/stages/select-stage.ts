import type { MemoryRecord } from "../../memory/memory-types.js";
import { activeVersion } from "../../store/adapter-versions.js";
import { replayableUnits } from "../replay-units.js";
import { contradictedMemoryIds, insertRunMemory, insertUnit } from "../../store/consolidation-content.js";
import { updateRun } from "../../store/consolidation-runs.js";
import { writeTransaction } from "../../store/write-transaction.js";
import { crashPoint } from "../../config/crash-points.js";
import type { RunContext } from "../run-context.js";

/**
 * select: the policy decides for every active memory; the selected ones are grouped into units by
 * subject. Decisions, reasons and units are committed together with the move to `probe`, so a
 * run killed here simply selects again.
 */
export function selectStage(ctx: RunContext): { selected: number; units: number } {
  crashPoint("select:start");
  const memories = listAll(ctx);
  const contradicted = contradictedMemoryIds(ctx.db, ctx.tenantId);
  // A full retrain starts from the base, so baked memories are candidates again.
  // Baked means: in a unit of the active version that the train stage will replay.
  const active = activeVersion(ctx.db, ctx.tenantId);
  const activeIds = new Set(memories.map((memory) => memory.id));
  const isActive = (id: number) => activeIds.has(id);
  const baked = ctx.settings.mode === "full" || !active ? new Set<number>() : new Set(replayableUnits(ctx.db, active.id, isActive).flatMap((unit) => unit.memoryIds));
  const decisions = ctx.selection.decide(
    memories.map((memory) => ({ memory, contradicted: contradicted.has(memory.id), baked: baked.has(memory.id) })),
    { now: ctx.now() },
  );
  const byId = new Map(memories.map((memory) => [memory.id, memory]));
  const selected = decisions.filter((decision) => decision.decision === "selected" && byId.has(decision.memoryId));
  const units = groupBySubject(selected.map((decision) => byId.get(decision.memoryId) as MemoryRecord));
  return writeTransaction(ctx.db, () => {
    const unitOf = new Map<number, number>();
    for (const unit of units) {
      const unitId = insertUnit(ctx.db, { runId: ctx.runId, tenantId: ctx.tenantId, subject: unit.subject, text: unit.memories.map((memory) => memory.text).join("\n"), memoryIds: unit.memories.map((memory) => memory.id), now: ctx.now() });
      for (const memory of unit.memories) unitOf.set(memory.id, unitId);
    }
    for (const decision of decisions) {
      if (!byId.has(decision.memoryId)) continue;
      insertRunMemory(ctx.db, { runId: ctx.runId, memoryId: decision.memoryId, decision: decision.decision, reason: decision.reason, unitId: unitOf.get(decision.memoryId) ?? null });
    }
    // Nothing new and nothing to retrain: the run ends here.
    const nothing = units.length === 0 && !(ctx.settings.mode === "full" && active);
    crashPoint("select:commit"); // inside the transaction: nothing of it is kept
    updateRun(ctx.db, ctx.runId, nothing ? { stage: "done", state: "empty", finishedAt: ctx.now() } : { stage: "probe" }, ctx.now());
    return { selected: selected.length, units: units.length };
  });
}

function listAll(ctx: RunContext): MemoryRecord[] {
  const all: MemoryRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = ctx.store.list(ctx.namespace, { limit: 1000, offset });
    all.push(...page);
    if (page.length < 1000) return all;
  }
}

/** Memories with the same subject form one unit; a memory without a subject is a unit of its own. */
function groupBySubject(memories: MemoryRecord[]): Array<{ subject: string | null; memories: MemoryRecord[] }> {
  const groups = new Map<string, { subject: string | null; memories: MemoryRecord[] }>();
  for (const memory of memories) {
    const key = memory.subject ? `s:${memory.subject}` : `m:${memory.id}`;
    const group = groups.get(key) ?? { subject: memory.subject ?? null, memories: [] };
    group.memories.push(memory);
    groups.set(key, group);
  }
  return [...groups.values()];
}
