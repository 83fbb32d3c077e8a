import { runReport, type ProbeAnswerView, type RunMemoryView, type RunReport } from "../../consolidate/run-report.js";
import type { CommandContext } from "../command.js";
import { clip, gateLines, parseRunId, print, printJson, storeOptions, when } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { tenantLabel } from "../tenant-option.js";

export const reviewShowCommand = {
  name: "review show",
  summary: "Show a run: units, memories and why each was selected, skipped or flagged, self-edits, probes before/after, retention, drift, tool calls",
  usage: "seal review show <run> [--store <path>] [--json]",
  options: { ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    const runId = parseRunId(positionals[0], reviewShowCommand.usage);
    return withCliStore(values.store, async (store) => {
      const report = runReport(store, runId);
      if (json) printJson({ store: store.path, run: { ...report, tenant: tenantLabel(report.tenant) } });
      else printReport(report);
      return 0;
    });
  },
} as const;

function printReport(report: RunReport): void {
  const settings = report.settings as { strategies?: string[]; samples?: number; writer?: { kind: string; modelPath?: string; model?: string }; review?: string; training?: { learningRate?: number; epochs?: number } };
  print(`run ${report.runId}  tenant ${tenantLabel(report.tenant)}  ${report.state} (stage ${report.stage}, ${report.mode})`);
  print(`  created ${when(report.createdAt)}, updated ${when(report.updatedAt)}${report.finishedAt ? `, finished ${when(report.finishedAt)}` : ""}`);
  const from = report.fromVersion === 0 ? "base model" : `v${report.fromVersion}`;
  print(`  from ${from}${report.candidate ? ` -> candidate v${report.candidate.version} (${report.candidate.state}, sha256 ${report.candidate.sha256.slice(0, 12)})` : ""}`);
  const writer = settings.writer ? [settings.writer.kind, settings.writer.modelPath ?? settings.writer.model].filter(Boolean).join(":") : "?";
  print(`  settings: strategies ${settings.strategies?.join(",") ?? "?"}, samples ${settings.samples ?? "?"}, lr ${settings.training?.learningRate ?? "?"}, epochs ${settings.training?.epochs ?? "?"}, writer ${writer}, review ${settings.review ?? "?"}`);
  const counts = report.counts;
  print(`  memories: ${counts.selected} selected, ${counts.skipped} skipped, ${counts.flagged} flagged; ${counts.units} units; ${counts.probes} probes; self-edits ${counts.selfEdits.kept} kept, ${counts.selfEdits.dropped} dropped`);
  if (report.error) print(`  error: ${report.error}`);

  print("");
  if (report.gate) for (const line of gateLines(report.gate, "")) print(line);
  else print("gate: not run yet");

  const byId = new Map(report.memories.map((memory) => [memory.id, memory]));
  print("");
  print(report.units.length ? "Units:" : "Units: none");
  for (const unit of report.units) {
    print(`  unit ${unit.id}${unit.subject ? ` "${unit.subject}"` : ""}: ${unit.memoryIds.length} memories${unit.written ? "" : ", self-edits not written yet"}`);
    for (const id of unit.memoryIds) {
      const memory = byId.get(id);
      print(`    ${memory ? memoryLine(memory) : `[${id}] (not in this run's decisions)`}`);
    }
    for (const edit of unit.selfEdits) {
      const text = edit.answer !== null ? `Q: ${clip(edit.text, 70)}  A: ${clip(edit.answer, 40)}` : clip(edit.text, 100);
      print(`      ${edit.kept ? "+" : "-"} ${edit.strategy}#${edit.sample} (${edit.writer}) ${text}${edit.kept ? "" : `  [dropped: ${edit.filterReason ?? "?"}]`}`);
    }
  }

  const others = report.memories.filter((memory) => memory.decision !== "selected");
  print("");
  print(others.length ? "Not selected:" : "Not selected: none");
  for (const memory of others) print(`  ${memoryLine(memory)}`);

  print("");
  print(report.probes.length ? "Probes (before = reference, after = candidate):" : "Probes: none");
  for (const probe of report.probes) {
    print(`  [${probe.memoryId}] Q: ${clip(probe.question, 80)}  expected: ${clip(probe.expected, 40)}  (${probe.source}${probe.role ? `, ${probe.role}` : ""}${probe.trained ? ", trained on: not scored" : ""})`);
    if (probe.before || probe.after) print(`       before: ${answerText(probe.before)}   after: ${answerText(probe.after)}`);
  }
}

function memoryLine(memory: RunMemoryView): string {
  return `[${memory.id}] ${memory.decision}: ${memory.reason}  (${memory.kind}, ${memory.durability}, confidence ${memory.confidence.toFixed(2)}, x${memory.recurrence}${memory.status === "active" ? "" : `, now ${memory.status}`})  ${clip(memory.text, 80)}`;
}

function answerText(answer: ProbeAnswerView | undefined): string {
  if (!answer) return "-";
  return `"${clip(answer.answer ?? "", 40)}" ${answer.correct ? "correct" : "wrong"} (log-prob ${answer.logProb.toFixed(2)})`;
}
