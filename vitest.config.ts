import { defineConfig } from "vitest/config";

// Model tests load a real GGUF model and native code: run them in forked processes, one file at a
// time, so that two llama.cpp instances never compete for the 2 CPU cores of a CI machine.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/helpers/register-defaults.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
