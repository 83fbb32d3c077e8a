// Built-in memory rules, written against the public plugin interfaces (`UpdateRules`,
// `MemoryExtractor`) exactly as a user's own would be.
export { statementRules } from "./statement-rules.js";
export { parseStatement, normalizeText, type Statement } from "./statement.js";
export { sentenceExtractor } from "./sentence-extractor.js";
export { modelExtractor } from "./model-extractor.js";
