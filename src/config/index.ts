export { resolveCacheDir, resolveModelsDir, resolveStorePath, packageRoot } from "./paths.js";
export { parseOptions } from "./parse-options.js";
