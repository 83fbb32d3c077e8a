import { SealError } from "../../errors.js";
import { activeVersion, bakedMemoryIds } from "../../store/adapter-versions.js";
import { contradictionsOfMemory, memoryAuditEntries, probeResultsOf, probesOfMemory, runDecisionsOfMemory, supersededBy, versionsHoldingMemory } from "../../store/consolidation-views.js";
import type { CommandContext } from "../command.js";
import { clip, parseMemoryId, print, printJson, requireTenant, storeOptions, when } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

export const memoriesShowCommand = {
  name: "memories show",
  summary: "Show one memory: its history and audit entries, consolidation decisions, probes, and the versions that hold it",
  usage: "seal memories show <id> --tenant T [--store <path>] [--json]",
  options: { tenant: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    const tenant = parseTenantOption(values.tenant, { required: true, usage: memoriesShowCommand.usage });
    const id = parseMemoryId(positionals[0], memoriesShowCommand.usage);
    return withCliStore(values.store, async (store) => {
      const tenantId = requireTenant(store, tenant);
      const memory = store.get(tenant, id);
      if (!memory) {
        throw new SealError("MEMORY_NOT_FOUND", `No memory ${id} for tenant "${tenantLabel(tenant)}"`, { hint: `\`seal memories list --tenant ${tenantLabel(tenant)}\` shows the ids (add --status superseded or deleted for older ones).`, context: { id, tenant: tenantLabel(tenant) } });
      }
      const probes = probesOfMemory(store.db, tenantId, id);
      const results = probeResultsOf(store.db, probes.map((probe) => probe.id));
      const view = {
        memory: { ...memory, ...(memory.status === "deleted" ? { text: null } : {}) },
        baked: bakedMemoryIds(store.db, tenantId).has(id),
        activeVersion: activeVersion(store.db, tenantId)?.version ?? 0,
        supersedes: supersededBy(store.db, tenantId, id),
        contradictions: contradictionsOfMemory(store.db, tenantId, id).map((row) => ({ ...row, recordedAt: new Date(row.recordedAt), resolvedAt: row.resolvedAt === null ? null : new Date(row.resolvedAt) })),
        history: memoryAuditEntries(store.db, tenantId, id).map((entry) => ({ ...entry, at: new Date(entry.at) })),
        runs: runDecisionsOfMemory(store.db, tenantId, id),
        probes: probes.map((probe) => ({ ...probe, createdAt: new Date(probe.createdAt), results: results.filter((result) => result.probeId === probe.id) })),
        versions: versionsHoldingMemory(store.db, tenantId, id),
      };
      if (json) {
        printJson({ store: store.path, tenant: tenantLabel(tenant), ...view });
        return 0;
      }
      print(`memory ${memory.id} of ${tenantLabel(tenant)}: ${memory.status}${view.baked ? `, baked into the active version v${view.activeVersion}` : ""}`);
      print(`  ${memory.status === "deleted" ? "(forgotten: its text is gone)" : memory.text}`);
      print(`  ${memory.kind}, ${memory.durability}, confidence ${memory.confidence.toFixed(2)}, recurrence ${memory.recurrence}${memory.pinned ? ", pinned" : ""}${memory.subject ? `, subject "${memory.subject}"` : ""}`);
      print(`  valid from ${when(memory.validFrom)}${memory.validTo ? ` to ${when(memory.validTo)}` : ""}; recorded ${when(memory.recordedAt)}${memory.retiredAt ? `; retired ${when(memory.retiredAt)}` : ""}${memory.expiresAt ? `; expires ${when(memory.expiresAt)}` : ""}`);
      if (memory.supersededBy !== undefined) print(`  superseded by memory ${memory.supersededBy}`);
      if (view.supersedes.length) print(`  replaced memory ${view.supersedes.join(", ")}`);
      for (const row of view.contradictions) print(`  contradiction: ${row.memoryId} vs ${row.conflictsWith}, recorded ${when(row.recordedAt)}${row.resolvedAt ? `, resolved ${when(row.resolvedAt)}` : ", unresolved"}`);
      if (memory.episodeIds.length) print(`  from episodes ${memory.episodeIds.join(", ")}`);
      print("History:");
      for (const entry of view.history) print(`  ${when(entry.at)}  ${entry.action}${entry.actor ? ` by ${entry.actor}` : ""}  ${Object.keys(entry.detail).length ? JSON.stringify(entry.detail) : ""}`);
      print(view.runs.length ? "Consolidation runs:" : "Consolidation runs: none");
      for (const run of view.runs) print(`  run ${run.runId} (${run.runState}): ${run.decision}: ${run.reason}`);
      print(view.probes.length ? "Probes:" : "Probes: none");
      for (const probe of view.probes) {
        print(`  ${probe.id}. Q: ${clip(probe.question, 80)}  A: ${clip(probe.answer, 40)}  (${probe.source})`);
        for (const result of probe.results) print(`       run ${result.runId} ${result.model.padEnd(9)} ${result.correct ? "correct" : "wrong  "} "${clip(result.answer ?? "", 40)}" (log-prob ${result.logProb.toFixed(2)})${result.trained ? " trained on" : ""}`);
      }
      print(view.versions.length ? "In adapter versions:" : "In adapter versions: none");
      for (const version of view.versions) print(`  v${version.version} (${version.state}), run ${version.runId}, unit ${version.unitId}${version.replayed ? ", replayed" : ""}`);
      return 0;
    });
  },
} as const;
