import { SealError } from "../errors.js";
import type { SelectionPolicy, SelfEditStrategy } from "./plugin-types.js";

/** The plugins consolidation uses when a caller names none. */
export interface DefaultConsolidationPlugins {
  selection: SelectionPolicy;
  strategies: Readonly<Record<string, SelfEditStrategy>>;
}

// As for memory: the built-ins live in plugins/ and import the public API, so the package entry
// (src/index.ts) injects them here instead of the core importing them back.
let registered: DefaultConsolidationPlugins | undefined;

export function registerDefaultConsolidationPlugins(plugins: DefaultConsolidationPlugins): void {
  registered = plugins;
}

export function defaultConsolidationPlugins(): DefaultConsolidationPlugins {
  if (!registered) {
    throw new SealError("INVALID_OPTIONS", "No default consolidation plugins are registered", {
      hint: 'Import from "seal-memory" (its entry registers durableSelection and the built-in strategies), or pass `selection` and `strategies` explicitly.',
    });
  }
  return registered;
}
