import { SealError } from "../errors.js";
import type { MemoryExtractor } from "./extractor.js";
import type { UpdateRules } from "./update-rules.js";

/** The plugins the memory layer uses when a caller names none. */
export interface DefaultMemoryPlugins {
  rules: UpdateRules;
  extractor: MemoryExtractor;
}

// The built-in plugins live in plugins/ and are written against the public API, so the core
// cannot import them without a cycle: the package entry (src/index.ts) injects them here.
let registered: DefaultMemoryPlugins | undefined;

export function registerDefaultMemoryPlugins(plugins: DefaultMemoryPlugins): void {
  registered = plugins;
}

function required(): DefaultMemoryPlugins {
  if (!registered) {
    throw new SealError("INVALID_OPTIONS", "No default memory plugins are registered", {
      hint: 'Import from "seal-memory" (its entry registers statementRules and sentenceExtractor), or pass `rules` / `extractor` explicitly.',
    });
  }
  return registered;
}

export const defaultRules = (): UpdateRules => required().rules;
export const defaultExtractor = (): MemoryExtractor => required().extractor;
