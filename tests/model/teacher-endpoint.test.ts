import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SealError } from "../../src/errors.js";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { createWriter } from "../../src/consolidate/writers/create-writer.js";
import { openAIWriter } from "../../src/consolidate/writers/openai-writer.js";
import type { WriterPrompt } from "../../src/consolidate/plugin-types.js";
import { ensureLlamaServer, freePort, startLlamaServer, type RunningServer } from "../helpers/llama-server.js";

// The OpenAI writer against a real OpenAI-compatible server: llama.cpp's llama-server, built from
// the llama.cpp source node-llama-cpp ships (into the native bin folder, on first use: several
// minutes once per machine), serving the default model.
const prompt: WriterPrompt = { system: "You are a helpful assistant.", user: "Name three colours of a rainbow." };
const sampling = { temperature: 0, seed: 7, maxTokens: 24 };

let server: RunningServer;
let runtime: SealRuntime;
beforeAll(async () => {
  const binary = await ensureLlamaServer();
  const modelPath = (await ensureModel()).path;
  server = await startLlamaServer(binary, modelPath);
  runtime = await SealRuntime.load({ modelPath });
}, 1_800_000);
afterAll(async () => {
  await server?.stop();
  await runtime?.dispose();
});

async function failure(promise: Promise<unknown>): Promise<SealError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!SealError.isInstance(error)) throw new Error(`expected a SealError, got ${String(error)}`);
  return error;
}

describe("openAIWriter on llama-server", () => {
  it("returns the model's reply", async () => {
    const writer = openAIWriter({ baseURL: server.baseURL, model: "x" });
    expect(writer.id).toBe("openai:x");
    const text = await writer.write(prompt, sampling);
    expect(text.trim().length).toBeGreaterThan(0);
  });

  it("createWriter builds the same writer from a settings spec", async () => {
    const writer = createWriter({ kind: "openai", baseURL: server.baseURL, model: "x" }, runtime);
    expect(writer.id).toBe("openai:x");
    // Greedy with one seed: the same server gives the same text to the same request.
    expect(await writer.write(prompt, sampling)).toBe(await openAIWriter({ baseURL: server.baseURL, model: "x" }).write(prompt, sampling));
  });

  it("an unreachable port is WRITER_FAILED, quickly", async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await failure(openAIWriter({ baseURL: `http://127.0.0.1:${port}/v1`, model: "x" }).write(prompt, sampling));
    expect(error.code).toBe("WRITER_FAILED");
    expect(error.context).toMatchObject({ url: `http://127.0.0.1:${port}/v1/chat/completions`, cause: "ECONNREFUSED" });
    expect(error.hint).toMatch(/baseURL/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a wrong path on the server (404) is WRITER_FAILED with the status", async () => {
    const error = await failure(openAIWriter({ baseURL: `http://127.0.0.1:${server.port}/nope`, model: "x" }).write(prompt, sampling));
    expect(error.code).toBe("WRITER_FAILED");
    expect(error.context).toMatchObject({ status: 404, url: `http://127.0.0.1:${server.port}/nope/chat/completions`, attempts: 1 });
    expect(error.hint).toMatch(/\/v1/);
  });
});
