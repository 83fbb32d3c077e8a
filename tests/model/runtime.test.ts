import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { ChatSealLlama } from "../../src/model/chat/chat-seal-llama.js";
import { generateJson } from "../../src/model/generate-json.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { codeOf } from "../helpers/error-code.js";
import { listFiles, tempDir } from "../helpers/temp-dir.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";

let runtime: SealRuntime;
beforeAll(async () => {
  runtime = await loadDefaultRuntime();
});
afterAll(async () => {
  await runtime.dispose();
});


describe("SealRuntime", () => {
  it("loads the model once per process for the same settings", async () => {
    expect(await SealRuntime.load({ modelPath: runtime.modelPath })).toBe(runtime);
  });

  it("rejects a truncated model as MODEL_CORRUPT without crashing the process", async () => {
    const dir = await tempDir();
    const truncated = path.join(dir, "truncated.gguf");
    const handle = await fs.open(runtime.modelPath, "r");
    const half = Buffer.alloc(40_000_000);
    await handle.read(half, 0, half.length, 0);
    await handle.close();
    await fs.writeFile(truncated, half);
    expect(await codeOf(SealRuntime.load({ modelPath: truncated }))).toBe("MODEL_CORRUPT");
    expect(await listFiles(dir)).toEqual(["truncated.gguf"]);
  });

  it("rejects a base model, or a text file, given as a LoRA adapter", async () => {
    expect(await codeOf(runtime.createContext({ adapters: [{ filePath: runtime.modelPath }] }))).toBe("ADAPTER_INVALID");
    const dir = await tempDir();
    const text = path.join(dir, "adapter.gguf");
    await fs.writeFile(text, "not an adapter");
    expect(await codeOf(runtime.createContext({ adapters: [{ filePath: text }] }))).toBe("ADAPTER_INVALID");
  });

  it("generates JSON that follows a schema, through the grammar", async () => {
    const context = await runtime.createContext();
    try {
      const value = await generateJson<{ city: string; country: string; population_millions: number }>(
        context,
        [{ type: "user", text: "Describe Paris as JSON." }],
        { type: "object", properties: { city: { type: "string" }, country: { type: "string" }, population_millions: { type: "number" } } },
        { maxTokens: 80 },
      );
      expect(Object.keys(value).sort()).toEqual(["city", "country", "population_millions"]);
      expect(typeof value.population_millions).toBe("number");
    } finally {
      await context.dispose();
    }
  });

  it("embeds texts into fixed-size vectors", async () => {
    const [a, b] = await runtime.embed(["The cat sat on the mat.", "Stock markets fell sharply."]);
    expect(a?.length).toBe(576);
    expect(b?.length).toBe(576);
  });

  it("stops generation when the signal aborts", async () => {
    const chat = new ChatSealLlama({ runtime, maxTokens: 400 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await chat.invoke([new HumanMessage("Write a long story about a dragon.")], { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    await chat.dispose();
  });
});
