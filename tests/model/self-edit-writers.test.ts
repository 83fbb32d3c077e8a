import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriterPrompt } from "../../src/consolidate/plugin-types.js";
import { createWriter } from "../../src/consolidate/writers/create-writer.js";
import { ggufWriter } from "../../src/consolidate/writers/gguf-writer.js";
import { studentWriter } from "../../src/consolidate/writers/student-writer.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { codeOf } from "../helpers/error-code.js";

// The local writers on the real default model: the student itself, and a GGUF "teacher" (here the
// same file, loaded a second time with other settings, as a different teacher model would be).
const prompt: WriterPrompt = {
  system: "You write short study notes.",
  user: "Write two sentences about this fact.\nThe Zorbanian capital is Quellport, founded in 1642.",
};

let runtime: SealRuntime;
beforeAll(async () => {
  runtime = await loadDefaultRuntime();
});
afterAll(async () => {
  await runtime.dispose();
});

describe("studentWriter", () => {
  it("writes a non-empty reply with the base model", async () => {
    const writer = studentWriter(runtime);
    expect(writer.id).toBe("student");
    const text = await writer.write(prompt, { temperature: 0, seed: 1, maxTokens: 40 });
    expect(text.trim().length).toBeGreaterThan(0);
    await writer.dispose?.();
  });

  it("is reproducible for a seed and temperature, and varies across seeds at temperature 1", { timeout: 300_000 }, async () => {
    const writer = studentWriter(runtime, { contextSize: 1024 });
    const first = await writer.write(prompt, { temperature: 0.8, seed: 42, maxTokens: 20 });
    expect(await writer.write(prompt, { temperature: 0.8, seed: 42, maxTokens: 20 })).toBe(first);
    const texts = new Set<string>();
    for (const seed of [1, 2, 3]) texts.add(await writer.write(prompt, { temperature: 1, seed, maxTokens: 20 }));
    expect(texts.size).toBeGreaterThan(1);
    await writer.dispose?.();
  });

  it("queues concurrent writes on its one context", async () => {
    const writer = studentWriter(runtime);
    const replies = await Promise.all([1, 2].map((seed) => writer.write(prompt, { temperature: 0, seed, maxTokens: 12 })));
    expect(replies[0]).toBe(replies[1]); // greedy: the seed does not matter
    await writer.dispose?.();
  });

  it("an aborted signal is ABORTED, and a disposed writer is DISPOSED (the runtime stays usable)", async () => {
    const writer = studentWriter(runtime);
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(writer.write(prompt, { temperature: 0, seed: 1, maxTokens: 8, signal: controller.signal }))).toBe("ABORTED");
    await writer.dispose?.();
    expect(await codeOf(writer.write(prompt, { temperature: 0, seed: 1, maxTokens: 8 }))).toBe("DISPOSED");
    const next = studentWriter(runtime);
    expect((await next.write(prompt, { temperature: 0, seed: 1, maxTokens: 8 })).length).toBeGreaterThan(0);
    await next.dispose?.();
  });

  it("a writer dropped without dispose() does not hang the model's dispose after a garbage collection", async () => {
    // node-llama-cpp 3.22.1 waits forever in model.dispose() for a context that was collected
    // undisposed; the writers hold their contexts until disposed. A runtime of its own (another
    // context size, so another load) keeps the file's shared runtime out of it.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const own = await SealRuntime.load({ modelPath: runtime.modelPath, contextSize: 512 });
    await studentWriter(own).write(prompt, { temperature: 0, seed: 1, maxTokens: 4 });
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const disposed = await Promise.race([own.dispose().then(() => "disposed"), new Promise((resolve) => setTimeout(() => resolve("hung"), 20_000))]);
    expect(disposed).toBe("disposed");
  });
});

describe("ggufWriter and createWriter", () => {
  it("a GGUF teacher loads on first use, writes like the student, and unloads on dispose", async () => {
    // contextSize 1024 gives another SealRuntime.load key, so this is a second load, not the student.
    const writer = ggufWriter({ modelPath: runtime.modelPath, threads: 1, contextSize: 1024 });
    expect(writer.id).toBe(`gguf:${path.basename(runtime.modelPath)}`);
    const text = await writer.write(prompt, { temperature: 0, seed: 1, maxTokens: 40 });
    const student = studentWriter(runtime);
    expect(text).toBe(await student.write(prompt, { temperature: 0, seed: 1, maxTokens: 40 }));
    await writer.dispose?.();
    // Unloading the teacher leaves the student loaded.
    expect((await student.write(prompt, { temperature: 0, seed: 1, maxTokens: 8 })).length).toBeGreaterThan(0);
    await student.dispose?.();
  });

  it("a missing teacher file fails at first write with MODEL_NOT_FOUND", async () => {
    const writer = ggufWriter({ modelPath: "/nonexistent/teacher.gguf" });
    expect(writer.id).toBe("gguf:teacher.gguf");
    expect(await codeOf(writer.write(prompt, { temperature: 0, seed: 1, maxTokens: 8 }))).toBe("MODEL_NOT_FOUND");
  });

  it("createWriter: student, a gguf spec naming the student's file (no second load), and bad specs", async () => {
    expect(createWriter({ kind: "student" }, runtime).id).toBe("student");
    const same = createWriter({ kind: "gguf", modelPath: runtime.modelPath }, runtime);
    expect(same.id).toBe(`gguf:${path.basename(runtime.modelPath)}`);
    expect((await same.write(prompt, { temperature: 0, seed: 1, maxTokens: 8 })).length).toBeGreaterThan(0);
    await same.dispose?.();
    const student = studentWriter(runtime); // the student's runtime is still loaded
    expect((await student.write(prompt, { temperature: 0, seed: 1, maxTokens: 8 })).length).toBeGreaterThan(0);
    await student.dispose?.();
    expect(await codeOf(Promise.resolve().then(() => createWriter({ kind: "openai", baseURL: "not a url", model: "m" }, runtime)))).toBe("INVALID_OPTIONS");
    expect(await codeOf(Promise.resolve().then(() => createWriter({ kind: "teacher" } as never, runtime)))).toBe("INVALID_OPTIONS");
  });
});
