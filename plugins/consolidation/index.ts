// Built-in consolidation plugins, written against the public plugin interfaces
// (`SelectionPolicy`, `SelfEditStrategy`) exactly as a user's own would be.
export { durableSelection, type DurableSelectionOptions } from "./durable-selection.js";
export { looksLikeInstruction } from "./instruction-like.js";
export { builtInStrategies, implicationsStrategy, qaStrategy, rewriteStrategy, unitTextStrategy } from "./strategies/index.js";
