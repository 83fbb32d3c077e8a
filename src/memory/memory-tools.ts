import { tool, type ToolRuntime } from "@langchain/core/tools";
import { z } from "zod";
import { SealError } from "../errors.js";
import type { MemoryStore } from "./memory-store.js";
import { DURABILITIES, MEMORY_KINDS } from "./memory-types.js";
import { resolveNamespace, type NamespaceOption } from "./namespace-of-context.js";

export interface MemoryToolsOptions {
  store: MemoryStore;
  /** The tenant, fixed or read from the run's context. The model never chooses it. */
  namespace: NamespaceOption;
  /** Results per search. Defaults to `5`. */
  limit?: number;
}

// Failures the model can act on ("no memory 12") come back as text; the developer's (no tenant in
// the context, a closed store) are thrown.
const DEVELOPER_ERRORS = new Set(["TENANT_INVALID", "STORE_UNAVAILABLE", "DISPOSED"]);
async function reported(work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (error) {
    if (SealError.isInstance(error) && !DEVELOPER_ERRORS.has(error.code)) return `error ${error.code}: ${error.message}`;
    throw error;
  }
}

const manageSchema = z.object({
  action: z.enum(["create", "update", "delete"]).describe("create a memory, update one by id, or delete one by id"),
  content: z.string().optional().describe("the memory, as a short third-person sentence (create, update)"),
  id: z.number().int().optional().describe("the memory's id (update, delete)"),
  kind: z.enum(MEMORY_KINDS).optional(),
  durability: z.enum(DURABILITIES).optional(),
});

const searchSchema = z.object({
  query: z.string().describe("what to look for"),
});

/**
 * LangMem-style memory tools for `createAgent({ tools })`: `manage_memory` (create, update,
 * delete) and `search_memory`, both scoped to the run's tenant. Ids from another tenant are not
 * found; memory text the model writes is stored as data, like any other memory.
 */
export function createMemoryTools(options: MemoryToolsOptions) {
  const limit = options.limit ?? 5;
  const manageMemory = tool(
    (input: z.infer<typeof manageSchema>, runtime: ToolRuntime) =>
      reported(async () => {
        const namespace = resolveNamespace(options.namespace, runtime?.context);
        if (input.action === "delete") {
          if (input.id === undefined) return "error INVALID_OPTIONS: delete needs the memory's id";
          const result = options.store.forget(namespace, input.id);
          return result.status === "forgotten" ? `deleted memory ${input.id}` : `memory ${input.id} was already deleted`;
        }
        if (!input.content?.trim()) return `error INVALID_OPTIONS: ${input.action} needs content`;
        const fields = { text: input.content, ...(input.kind ? { kind: input.kind } : {}), ...(input.durability ? { durability: input.durability } : {}) };
        if (input.action === "update") {
          if (input.id === undefined) return "error INVALID_OPTIONS: update needs the memory's id";
          const result = await options.store.update(namespace, input.id, fields);
          return `updated memory ${input.id}: it is now memory ${result.memory.id}`;
        }
        const result = await options.store.remember(namespace, fields);
        return `${result.action === "add" ? "created" : result.action === "reinforce" ? "already known as" : result.action === "update" ? "updated, now" : "recorded, contradicting another:"} memory ${result.memory.id}`;
      }),
    { name: "manage_memory", description: "Save, change or delete a long-term memory about the user.", schema: manageSchema },
  );
  const searchMemory = tool(
    (input: z.infer<typeof searchSchema>, runtime: ToolRuntime) =>
      reported(async () => {
        const namespace = resolveNamespace(options.namespace, runtime?.context);
        const hits = await options.store.search(namespace, input.query, { limit });
        return JSON.stringify(hits.map(({ memory }) => ({ id: memory.id, text: memory.text, kind: memory.kind })));
      }),
    { name: "search_memory", description: "Search the long-term memories about the user.", schema: searchSchema },
  );
  return [manageMemory, searchMemory] as const;
}
