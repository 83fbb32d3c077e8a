import { SealError } from "../../errors.js";
import type { MemorySearchResult } from "../../memory/memory-types.js";
import { truncateUtf8 } from "../../memory/validate-text.js";
import { activeVersion } from "../../store/adapter-versions.js";
import type { CommandContext } from "../command.js";
import { print, printJson, requireTenant, storeOptions } from "../consolidation-output.js";
import { parseNumberFlag } from "../number-flag.js";
import { withCliStore } from "../open-store.js";
import { createProgress } from "../progress.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

export const askCommand = {
  name: "ask",
  summary: "Ask the model with the tenant's active adapter version, and its memories in the prompt unless --no-memory",
  usage: 'seal ask --tenant T "question" ["another question" …] [--no-memory] [--limit N] [--max-tokens N] [--store <path>] [--json]',
  options: { tenant: { type: "string" }, "no-memory": { type: "boolean" }, limit: { type: "string" }, "max-tokens": { type: "string" }, ...storeOptions },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const tenant = parseTenantOption(values.tenant, { required: true, usage: askCommand.usage });
    // Each argument is one question (quote it); several are answered in one load of the model.
    const questions = positionals.map((question) => question.trim()).filter(Boolean);
    if (questions.length === 0) throw new SealError("INVALID_OPTIONS", "seal ask needs a question", { hint: `usage: ${askCommand.usage}` });
    const limit = values.limit === undefined ? 5 : positiveInteger(values.limit, "limit", 1000);
    const maxTokens = values["max-tokens"] === undefined ? 256 : positiveInteger(values["max-tokens"], "max-tokens", 8192);
    const useMemory = values["no-memory"] !== true;
    return withCliStore(values.store, { signal }, async (store) => {
      const progress = createProgress({ json });
      try {
        const tenantId = requireTenant(store, tenant);
        const seal = await import("../../index.js");
        const version = activeVersion(store.db, tenantId)?.version ?? 0;
        const adapters = await seal.activeAdapters(store, tenant);
        const model = await seal.ensureModel({}, { signal, onProgress: (event) => progress.update(`model ${event.route}: ${event.stage} ${event.message}`, event.fraction) });
        const runtime = await seal.SealRuntime.load({ modelPath: model.path }, { signal, onLoadProgress: (fraction) => progress.update("loading the model", fraction) });
        progress.update(`answering${version ? ` with v${version}` : " with the base model"}`);
        const { HumanMessage, SystemMessage } = await import("@langchain/core/messages");
        const chat = new seal.ChatSealLlama({ runtime, adapters, maxTokens });
        const answers: Array<{ question: string; answer: string; memories: Array<{ id: number; text: string; score: number }> }> = [];
        try {
          for (const question of questions) {
            // Retrieval first, as the middleware does before the model call; --no-memory retrieves nothing.
            const hits: MemorySearchResult[] = useMemory ? await store.search(tenant, truncateUtf8(question, store.maxQueryBytes), { limit }) : [];
            const block = seal.formatMemoryBlock(hits);
            const reply = await chat.invoke([...(block ? [new SystemMessage(block)] : []), new HumanMessage(question)], { signal });
            const answer = typeof reply.content === "string" ? reply.content : reply.content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
            answers.push({ question, answer, memories: hits.map((hit) => ({ id: hit.memory.id, text: hit.memory.text, score: hit.score })) });
          }
        } finally {
          await chat.dispose();
        }
        progress.done();
        const [first] = answers;
        if (json) {
          // One question: its answer at the top level, as before; several: `answers` in order (always present).
          printJson({ tenant: tenantLabel(tenant), version, adapters: adapters.map((adapter) => adapter.filePath), memory: useMemory, ...(answers.length === 1 && first ? { question: first.question, answer: first.answer, memories: first.memories } : {}), answers });
        } else {
          for (const entry of answers) print(answers.length > 1 ? `${entry.question}\n  ${entry.answer.trim()}` : entry.answer.trim());
          const used = answers.reduce((sum, entry) => sum + entry.memories.length, 0);
          process.stderr.write(`(${version === 0 ? "base model" : `adapter v${version}`}; ${useMemory ? `${used} memories in the prompt` : "no memory"})\n`);
        }
        return 0;
      } finally {
        progress.done();
      }
    });
  },
} as const;

function positiveInteger(raw: string | boolean | undefined, flag: string, max: number): number {
  const value = parseNumberFlag(raw, flag);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new SealError("INVALID_OPTIONS", `--${flag} must be a whole number from 1 to ${max}, got ${String(raw)}`, { hint: `usage: ${askCommand.usage}` });
  return value;
}
