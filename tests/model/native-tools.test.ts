import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { ChatSealLlama } from "../../src/model/chat/chat-seal-llama.js";
import { versionedAdapterFileName } from "../../src/model/adapter-spec.js";
import { scoreContinuation } from "../../src/model/score.js";
import type { SealRuntime } from "../../src/model/runtime.js";
import { readGgufMetadataNative } from "../../src/train/gguf-metadata.js";
import { createLoraAdapter } from "../../src/train/lora-init.js";
import { inspectGguf } from "../../src/model/gguf-inspect.js";
import { tempDir } from "../helpers/temp-dir.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";

// The native build (`seal native build`, run by `npm test` first) against node-llama-cpp's
// bundled llama.cpp, and its output loaded back through node-llama-cpp's stock binaries.
let runtime: SealRuntime;
beforeAll(async () => {
  runtime = await loadDefaultRuntime();
});
afterAll(async () => {
  await runtime.dispose();
});

const prompt = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n";
const answer = "The capital of France is Paris.";

describe("native tools", () => {
  it("seal-gguf-info reads the model's metadata through llama.cpp", async () => {
    const metadata = await readGgufMetadataNative(runtime.modelPath);
    expect(metadata["general.architecture"]).toBe("llama");
    expect(metadata["llama.block_count"]).toBe("30");
    expect(metadata["llama.embedding_length"]).toBe("576");
  });

  it("seal-lora-init writes an adapter that node-llama-cpp loads, and a zero-B adapter changes nothing", async () => {
    const dir = await tempDir();
    const created = await createLoraAdapter({ baseModelPath: runtime.modelPath, outPath: path.join(dir, versionedAdapterFileName("zero", 1)) });
    expect(created.parameters).toBe(4_884_480); // r=16 on all 7 targets of SmolLM2-135M
    expect(await inspectGguf(created.path, "adapter")).toMatchObject({ type: "adapter", adapterType: "lora", loraAlpha: 32, architecture: "llama" });

    const base = await runtime.createContext();
    const adapted = await runtime.createContext({ adapters: [{ filePath: created.path }] });
    try {
      const before = await scoreContinuation(base, prompt, answer);
      const after = await scoreContinuation(adapted, prompt, answer);
      for (const [index, value] of before.tokenLogProbs.entries()) expect(Math.abs((after.tokenLogProbs[index] ?? 0) - value)).toBeLessThan(1e-4);
    } finally {
      await base.dispose();
      await adapted.dispose();
    }
  });

  it("ChatSealLlama switches adapters in and out while running", async () => {
    const dir = await tempDir();
    const noisy = await createLoraAdapter({
      baseModelPath: runtime.modelPath,
      outPath: path.join(dir, versionedAdapterFileName("noisy", 1)),
      rank: 8,
      targets: ["attn_q", "attn_v", "ffn_down"],
      bInit: "random",
      bStd: 0.05,
    });
    const chat = new ChatSealLlama({ runtime, maxTokens: 24 });
    const ask = () => chat.invoke([new HumanMessage("Name three colours.")]).then((reply) => String(reply.content));
    try {
      const baseReply = await ask();
      await chat.setAdapters([{ filePath: noisy.path }]);
      expect(chat.activeAdapters).toEqual([{ filePath: noisy.path }]);
      const adaptedReply = await ask();
      await chat.setAdapters([]);
      const restoredReply = await ask();
      expect(adaptedReply).not.toBe(baseReply);
      expect(restoredReply).toBe(baseReply);
    } finally {
      await chat.dispose();
    }
  });
});
