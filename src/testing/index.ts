// Helpers for users' own tests (the "seal-memory/testing" export). They use the real model and
// real files: nothing here fakes a database or a model.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ensureModel } from "../model/pull/ensure-model.js";
import { SealRuntime } from "../model/runtime.js";

/** A temporary folder, removed when the returned handle is disposed (`await using`). */
export async function temporaryDirectory(prefix = "seal-test-"): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: dir, [Symbol.asyncDispose]: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Loads the default model (fetching it on first use) for model-dependent tests. */
export async function loadDefaultRuntime(): Promise<SealRuntime> {
  const { path: modelPath } = await ensureModel();
  return SealRuntime.load({ modelPath });
}
