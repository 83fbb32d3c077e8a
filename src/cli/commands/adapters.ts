import { listAdapterVersions, type AdapterVersionView } from "../../consolidate/run-report.js";
import { SealError } from "../../errors.js";
import { adapterRootOf, verifiedAdapterPath } from "../../memory/adapter-files.js";
import { tenantsWithVersions } from "../../store/consolidation-views.js";
import type { CommandContext } from "../command.js";
import { noPositionals, print, printJson, requireTenant, storeOptions, when } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

/** ok: the file matches its sha256; missing / changed: it would not be served; deleted: removed on purpose (a rejected or tainted version). */
type FileStatus = "ok" | "missing" | "changed" | "deleted";

export const adaptersCommand = {
  name: "adapters",
  summary: "List a tenant's adapter versions: state, times, sha256, memories in the manifest (see adapters rollback)",
  usage: "seal adapters [--tenant T] [--store <path>] [--json]",
  options: { tenant: { type: "string" }, ...storeOptions },
  async run({ values, positionals }: CommandContext): Promise<number> {
    const json = values.json === true;
    noPositionals(positionals, adaptersCommand.usage, positionals[0] === "list" ? "`seal adapters` lists the versions." : undefined);
    const tenant = parseTenantOption(values.tenant);
    return withCliStore(values.store, async (store) => {
      if (tenant) requireTenant(store, tenant);
      const tenants = tenant ? [tenant] : tenantsWithVersions(store.db).map((row) => row.namespace.split("/"));
      const root = adapterRootOf(store.path);
      const listed: Array<{ tenant: string; activeVersion: number; versions: Array<AdapterVersionView & { fileStatus: FileStatus }> }> = [];
      for (const namespace of tenants) {
        const versions = await Promise.all(listAdapterVersions(store, namespace).map(async (version) => ({ ...version, fileStatus: await fileStatus(root, version) })));
        listed.push({ tenant: tenantLabel(namespace), activeVersion: versions.find((version) => version.state === "active")?.version ?? 0, versions });
      }
      if (json) {
        printJson({ store: store.path, tenants: listed });
        return 0;
      }
      if (listed.every((entry) => entry.versions.length === 0)) {
        print(`No adapter versions${tenant ? ` for ${tenantLabel(tenant)}` : ""}: ${tenant ? "it is" : "every tenant is"} served by the base model. \`seal consolidate\` trains one.`);
        return 0;
      }
      for (const entry of listed) {
        print(`${entry.tenant}: active ${entry.activeVersion === 0 ? "base model" : `v${entry.activeVersion}`}`);
        for (const version of entry.versions) {
          const file = version.fileStatus === "ok" ? "" : `  file ${version.fileStatus}`;
          print(`  v${version.version}  ${version.state.padEnd(9)} created ${when(version.createdAt)}  activated ${when(version.activatedAt)}  sha256 ${version.sha256.slice(0, 12)}  ${version.memories} memories${version.replayed ? ` (${version.replayed} replayed)` : ""}  run ${version.runId}${file}`);
        }
      }
      return 0;
    });
  },
} as const;

async function fileStatus(root: string, version: AdapterVersionView): Promise<FileStatus> {
  if (version.file === null) return "deleted";
  try {
    await verifiedAdapterPath(root, { file: version.file, sha256: version.sha256, version: version.version, tenant_id: 0 });
    return "ok";
  } catch (error) {
    if (SealError.isInstance(error) && error.code === "ADAPTER_CHECKSUM_MISMATCH") {
      if ("expected" in error.context) return "changed";
      // A candidate the gate or a reviewer turned down, or a tainted version: its file is deleted on purpose.
      return version.state === "rejected" || version.state === "tainted" ? "deleted" : "missing";
    }
    throw error;
  }
}
