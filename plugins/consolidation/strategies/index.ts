import type { SelfEditStrategy } from "../../../src/api.js";
import { implicationsStrategy } from "./implications.js";
import { qaStrategy } from "./qa.js";
import { recallStrategy } from "./recall.js";
import { rewriteStrategy } from "./rewrite.js";
import { unitTextStrategy } from "./unit-text.js";

export { implicationsStrategy, qaStrategy, recallStrategy, rewriteStrategy, unitTextStrategy };

/** The built-in strategies by the name stored with each self-edit (settings name them). */
export const builtInStrategies: Readonly<Record<string, SelfEditStrategy>> = Object.freeze({
  [implicationsStrategy.name]: implicationsStrategy,
  [rewriteStrategy.name]: rewriteStrategy,
  [qaStrategy.name]: qaStrategy,
  [unitTextStrategy.name]: unitTextStrategy,
  [recallStrategy.name]: recallStrategy,
});
