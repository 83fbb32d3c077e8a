import { createMiddleware } from "langchain";
import { sentenceExtractor } from "../../plugins/memory-rules/sentence-extractor.js";
import { SealError } from "../errors.js";
import type { MemoryExtractor } from "./extractor.js";
import { formatMemoryBlock } from "./memory-block.js";
import type { MemoryStore } from "./memory-store.js";
import type { Namespace } from "./memory-types.js";
import { lastOfType, messageText } from "./message-text.js";
import { rememberInteraction } from "./remember-interaction.js";

export interface SealMemoryMiddlewareOptions {
  store: MemoryStore;
  /** The tenant: a namespace, or a function of the run's context (e.g. `(context) => [context.userId]`). */
  namespace: Namespace | ((context: unknown) => Namespace);
  /** Memories injected per model call. Defaults to `5`. */
  limit?: number;
  /** Turns each finished exchange into memories. Defaults to the heuristic `sentenceExtractor`; `modelExtractor(runtime)` asks the model. */
  extractor?: MemoryExtractor;
  /** Record the exchange after the agent runs. Defaults to `true`. */
  record?: boolean;
}

/**
 * Memory for `createAgent({ middleware: [...] })`: before each model call the memories relevant to
 * the user's latest message are added to the system message, in a block marked as untrusted data;
 * after the agent finishes, the exchange is recorded and its memories extracted.
 */
export function sealMemoryMiddleware(options: SealMemoryMiddlewareOptions) {
  const resolve = (context: unknown): Namespace => (typeof options.namespace === "function" ? options.namespace(context) : options.namespace);
  return createMiddleware({
    name: "SealMemoryMiddleware",
    wrapModelCall: async (request, handler) => {
      const query = messageText(lastOfType(request.messages, "human"));
      if (!query.trim()) return handler(request);
      const hits = await options.store.search(resolve(request.runtime.context), query, { limit: options.limit ?? 5 }).catch((error: unknown) => {
        if (SealError.isInstance(error) && error.code === "TENANT_NOT_FOUND") return []; // nothing remembered yet
        throw error;
      });
      const block = formatMemoryBlock(hits);
      return handler(block ? { ...request, systemMessage: request.systemMessage.concat(`\n\n${block}`) } : request);
    },
    afterAgent: async (state, runtime) => {
      if (options.record === false) return;
      const user = messageText(lastOfType(state.messages, "human"));
      const assistant = messageText(lastOfType(state.messages, "ai"));
      await rememberInteraction(options.store, resolve(runtime.context), options.extractor ?? sentenceExtractor, { user, assistant }, runtime.signal ? { signal: runtime.signal } : {});
    },
  });
}
