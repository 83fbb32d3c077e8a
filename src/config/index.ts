export { resolveCacheDir, resolveModelsDir, packageRoot } from "./paths.js";
export { parseOptions } from "./parse-options.js";
