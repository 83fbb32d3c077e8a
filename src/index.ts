// The public API of seal-memory: the core (./api.ts) plus the built-in plugins, which the entry
// injects as the memory layer's defaults. Everything not exported here is internal and may change.
import { sentenceExtractor } from "../plugins/memory-rules/sentence-extractor.js";
import { statementRules } from "../plugins/memory-rules/statement-rules.js";
import { registerDefaultMemoryPlugins } from "./memory/default-plugins.js";

export * from "./api.js";
// Also importable as "seal-memory/plugins/memory-rules".
export { statementRules, sentenceExtractor };
export { modelExtractor } from "../plugins/memory-rules/model-extractor.js";
export { parseStatement, normalizeText, type Statement } from "../plugins/memory-rules/statement.js";

registerDefaultMemoryPlugins({ rules: statementRules, extractor: sentenceExtractor });
