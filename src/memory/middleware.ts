import { AIMessage } from "@langchain/core/messages";
import { createMiddleware } from "langchain";
import { defaultExtractor } from "./default-plugins.js";
import type { MemoryExtractor } from "./extractor.js";
import { formatMemoryBlock } from "./memory-block.js";
import type { MemoryStore } from "./memory-store.js";
import { lastOfType, messageText } from "./message-text.js";
import { resolveNamespace, type NamespaceOption } from "./namespace-of-context.js";
import { rememberInteraction } from "./remember-interaction.js";
import { truncateUtf8 } from "./validate-text.js";
import { servedAdapters } from "./served-adapter.js";

/** Only our chat model understands the `adapters` call option; another provider would send it on. */
function isSealChatModel(model: unknown): boolean {
  return typeof (model as { _llmType?: () => string })?._llmType === "function" && (model as { _llmType: () => string })._llmType() === "seal-llama";
}

export interface SealMemoryMiddlewareOptions {
  store: MemoryStore;
  /** The tenant: a namespace, or a function of the run's context (e.g. `(context) => [context.userId]`). */
  namespace: NamespaceOption;
  /** Memories injected per model call. Defaults to `5`. */
  limit?: number;
  /** Turns each finished exchange into memories. Defaults to `sentenceExtractor` (no model); `modelExtractor(runtime)` asks the model. */
  extractor?: MemoryExtractor;
  /**
   * Serve the tenant's active adapter version (consolidation) on each call, when the agent's model
   * is a `ChatSealLlama`: read per call, so an approval or rollback in any process is seen by the
   * next call. Defaults to `true`.
   */
  serveAdapters?: boolean;
  /** Record the exchange once the model has answered. Defaults to `true`. */
  record?: boolean;
  /**
   * Called when recording an exchange fails after the reply was written (the reply is returned
   * regardless). Defaults to a process warning.
   */
  onRecordError?: (error: unknown) => void;
}

/**
 * Memory for `createAgent({ middleware: [...] })`: before each model call the memories relevant to
 * the user's latest message are added to the system message, in a block marked as untrusted data;
 * once the model answers (a reply without tool calls), the exchange is recorded and its memories
 * extracted.
 *
 * Both happen inside `wrapModelCall`, the one hook that LangChain hands the whole run context:
 * the other hooks only see the context fields a middleware declares in a `contextSchema`, and a
 * namespace function may read any field (`context.userId`, `context.tenant`, ...).
 */
export function sealMemoryMiddleware(options: SealMemoryMiddlewareOptions) {
  const extractor = options.extractor ?? defaultExtractor();
  const onRecordError = options.onRecordError ?? ((error: unknown) => process.emitWarning(`seal-memory: the exchange was not recorded: ${error instanceof Error ? error.message : String(error)}`, "SealMemoryWarning"));
  return createMiddleware({
    name: "SealMemoryMiddleware",
    wrapModelCall: async (request, handler) => {
      const namespace = resolveNamespace(options.namespace, request.runtime.context);
      const query = messageText(lastOfType(request.messages, "human"));
      // A pasted document is a poor query and may exceed the store's limit: search with its start.
      const hits = query.trim() ? await options.store.search(namespace, truncateUtf8(query, options.store.maxQueryBytes), { limit: options.limit ?? 5 }) : [];
      const block = formatMemoryBlock(hits);
      const adapters = options.serveAdapters !== false && isSealChatModel(request.model) ? await servedAdapters(options.store, namespace) : undefined;
      const withMemory = block ? { ...request, systemMessage: request.systemMessage.concat(`\n\n${block}`) } : request;
      // modelSettings reach the model as call options (createAgent binds them with the tools).
      const response = await handler(adapters ? { ...withMemory, modelSettings: { ...withMemory.modelSettings, adapters } } : withMemory);
      if (options.record !== false && query.trim() && AIMessage.isInstance(response) && !(response.tool_calls?.length)) {
        // The reply exists: a failure to record it must not lose it.
        await rememberInteraction(options.store, namespace, extractor, { user: query, assistant: messageText(response) }, request.runtime.signal ? { signal: request.runtime.signal } : {}).catch(onRecordError);
      }
      return response;
    },
  });
}
