// The public API of seal-memory: the core (./api.ts) plus the built-in plugins, which the entry
// injects as the core's defaults. Everything not exported here is internal and may change.
import { durableSelection } from "../plugins/consolidation/durable-selection.js";
import { builtInStrategies } from "../plugins/consolidation/strategies/index.js";
import { sentenceExtractor } from "../plugins/memory-rules/sentence-extractor.js";
import { statementRules } from "../plugins/memory-rules/statement-rules.js";
import { registerDefaultConsolidationPlugins } from "./consolidate/default-plugins.js";
import { registerDefaultMemoryPlugins } from "./memory/default-plugins.js";

export * from "./api.js";
// Also importable as "seal-memory/plugins/memory-rules" and "seal-memory/plugins/consolidation".
export { statementRules, sentenceExtractor };
export { modelExtractor } from "../plugins/memory-rules/model-extractor.js";
export { parseStatement, normalizeText, type Statement } from "../plugins/memory-rules/statement.js";
export { durableSelection, looksLikeInstruction, builtInStrategies, implicationsStrategy, qaStrategy, rewriteStrategy, unitTextStrategy, type DurableSelectionOptions } from "../plugins/consolidation/index.js";

registerDefaultMemoryPlugins({ rules: statementRules, extractor: sentenceExtractor });
registerDefaultConsolidationPlugins({ selection: durableSelection(), strategies: builtInStrategies });
