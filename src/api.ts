// The core's public API, re-exported by src/index.ts (the package entry). The built-in plugins import
// from here, so that the entry can import them back without a cycle. Everything not exported here is
// internal and may change.

export { SealError, type SealErrorCode, type SealErrorOptions } from "./errors.js";
export { resolveCacheDir, resolveModelsDir } from "./config/paths.js";

export { DEFAULT_MODEL } from "./model/default-model.js";
export { ensureModel, type EnsureModelOptions, type EnsureModelControl } from "./model/pull/ensure-model.js";
export { EMBEDDING_MODEL } from "./model/embedding-model.js";
export { ensureEmbeddingModel, type EnsureEmbeddingModelOptions } from "./model/pull/ensure-embedding-model.js";
export type { ModelPullProgress, ModelRouteAttempt, ModelRouteName, ResolvedModel } from "./model/pull/pull-types.js";
export { inspectGguf, type GgufSummary } from "./model/gguf-inspect.js";
export { SealRuntime, type RuntimeOptions, type ContextOptions, type LoadControl } from "./model/runtime.js";
export { type AdapterSpec, versionedAdapterFileName } from "./model/adapter-spec.js";
export { AdapterSwitcher, type AdapterSwitcherOptions, type ContextLease } from "./model/adapter-switcher.js";
export { scoreContinuation, scoreTokens, type ContinuationScore } from "./model/score.js";
export { generateChatTurn, type ChatTurnOptions } from "./model/chat-turn.js";
export { generateJson } from "./model/generate-json.js";
export { ChatSealLlama, type ChatSealLlamaFields, type ChatSealLlamaCallOptions } from "./model/chat/chat-seal-llama.js";

export { buildNative, type NativeBuildOptions, type NativeBuildResult } from "./train/native-build.js";
export { nativeBinDir, type NativeBackend } from "./train/native-paths.js";
export { readGgufMetadataNative } from "./train/gguf-metadata.js";
export { createLoraAdapter, LORA_TARGETS, type CreateLoraAdapterOptions, type CreatedAdapter } from "./train/lora-init.js";
export { trainAdapter, type TrainControl } from "./train/train-adapter.js";
export { trainAdapterOptionsSchema, type TrainAdapterOptions, type TrainProgress, type TrainResult, type TrainWarning } from "./train/train-options.js";
export { readGgufTensors, type GgufTensorSummary } from "./train/gguf-tensors.js";
export { dequantizeModel } from "./train/dequantize.js";

export { MemoryStore, type MemoryStoreOptions } from "./memory/memory-store.js";
export { MEMORY_KINDS, DURABILITIES, type MemoryKind, type Durability, type MemoryStatus, type MemoryRecord, type RememberInput, type RememberResult, type ForgetResult, type UpdateAction, type SearchOptions, type MemorySearchResult, type Namespace } from "./memory/memory-types.js";
export type { UpdateRules, UpdateDecision, MemoryCandidate, SimilarMemory } from "./memory/update-rules.js";
export { DEFAULT_MAX_TEXT_BYTES } from "./memory/validate-text.js";
export { type TextEmbedder } from "./vector/embedder.js";
export { HashingEmbedder } from "./vector/hashing-embedder.js";
export { LlamaEmbedder, type LlamaEmbedderOptions } from "./vector/llama-embedder.js";
export type { MemoryExtractor, Interaction } from "./memory/extractor.js";
export { SealStore, type SealStoreOptions } from "./memory/seal-store.js";
export { sealMemoryMiddleware, type SealMemoryMiddlewareOptions } from "./memory/middleware.js";
export { createMemoryTools, type MemoryToolsOptions } from "./memory/memory-tools.js";
export type { NamespaceOption } from "./memory/namespace-of-context.js";
export { SealRetriever, type SealRetrieverInput } from "./memory/retriever.js";
export { SealMemory, type SealMemoryInput } from "./memory/classic-memory.js";
export { formatMemoryBlock } from "./memory/memory-block.js";
export { registerDefaultMemoryPlugins, type DefaultMemoryPlugins } from "./memory/default-plugins.js";
export { rememberInteraction, type RememberInteractionOptions } from "./memory/remember-interaction.js";
export { runKiBenchmark, type KiBenchmarkOptions, type KiBenchmarkResult, type KiProgress } from "./eval/ki-benchmark.js";
export { type KiConditionSummary } from "./eval/ki-report.js";
export { type KiSettingsInput as KiSettings } from "./eval/ki-settings.js";
export { containsAnswer, normalizeAnswer, tokenF1 } from "./eval/squad-grading.js";

export type { SelectionPolicy, SelectionInput, SelectionDecision, SelectionVerdict, SelfEditStrategy, SelfEditItem, UnitText, WriterPrompt, SelfEditWriter, WriterSampling } from "./consolidate/plugin-types.js";
export { consolidate, type ConsolidateOptions, type ConsolidationResult } from "./consolidate/consolidate.js";
export type { ConsolidationProgress } from "./consolidate/run-context.js";
export { assertCronExpression, startConsolidationSchedule, type ConsolidationSchedule, type ConsolidationScheduleOptions, type ScheduleEvent, type TenantTickOutcome } from "./consolidate/schedule.js";
export { consolidationSettingsSchema, type ConsolidationSettings, type ConsolidationSettingsInput, type WriterSpec } from "./consolidate/consolidation-settings.js";
export { approveRun, rejectRun, rollbackVersion, type DecisionOptions } from "./consolidate/decisions.js";
export { registerDefaultConsolidationPlugins, type DefaultConsolidationPlugins } from "./consolidate/default-plugins.js";
export type { GateReport } from "./consolidate/gate/gate-verdict.js";
export { createWriter } from "./consolidate/writers/create-writer.js";
export { studentWriter } from "./consolidate/writers/student-writer.js";
export { ggufWriter } from "./consolidate/writers/gguf-writer.js";
export { openAIWriter } from "./consolidate/writers/openai-writer.js";
export { filterSelfEdits } from "./consolidate/self-edit-filters.js";
export { checkProbe } from "./consolidate/probe-checks.js";
export { templateProbes } from "./consolidate/template-probes.js";
export { chatPromptText } from "./model/chat-prompt-text.js";
export { activeAdapters, activeVersionNumber } from "./memory/served-adapter.js";
export { runReport, pendingRuns, listAdapterVersions, type RunReport, type RunMemoryView, type RunUnitView, type RunProbeView, type SelfEditView, type ProbeAnswerView, type PendingRunView, type AdapterVersionView } from "./consolidate/run-report.js";
export { resolveStorePath } from "./config/paths.js";
