import path from "node:path";
import { AIMessage } from "@langchain/core/messages";
import { createAgent, tool } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runMultiTenantExample } from "../../examples/multi-tenant-agent.js";
import { ChatSealLlama, HashingEmbedder, MemoryStore, sealMemoryMiddleware, type SealRuntime } from "../../src/index.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { tempDir } from "../helpers/temp-dir.js";

let runtime: SealRuntime;
beforeAll(async () => {
  runtime = await loadDefaultRuntime();
});
afterAll(async () => {
  await runtime.dispose();
});

const getTemperature = tool(async ({ city }) => `The temperature in ${city} is 37 degrees.`, { name: "get_temperature", description: "Get the current temperature in a city.", schema: z.object({ city: z.string() }) });

describe("the memory front door on the default model (issue 10)", () => {
  it("the README's multi-tenant middleware stores and recalls two users apart (defect 1)", { timeout: 300_000 }, async () => {
    const dir = await tempDir("seal-tenants-");
    const { memories } = await runMultiTenantExample({ runtime, dbPath: path.join(dir, "memory.db") });
    expect(memories.ana).toContain("The user lives in Porto.");
    expect(memories.ben).toContain("The user lives in Oslo.");
    expect(memories.ana?.join(" ")).not.toMatch(/Oslo|Rex/);
    expect(memories.ben?.join(" ")).not.toMatch(/Porto|pharmacist/);
  });

  it("a reply cut by the token limit comes back as a reply marked as cut, through createAgent (defect 4)", { timeout: 300_000 }, async () => {
    const model = new ChatSealLlama({ runtime, maxTokens: 12 });
    try {
      const agent = createAgent({ model, tools: [getTemperature] });
      for (const question of ["Write an essay about the history of Rome.", "What is 17 plus 25?"]) {
        const result = await agent.invoke({ messages: [{ role: "user", content: question }] });
        const final = result.messages.at(-1);
        expect(final, question).toBeInstanceOf(AIMessage);
        expect(["length", "stop"]).toContain((final as AIMessage).response_metadata.finish_reason);
        if (question.startsWith("Write")) expect((final as AIMessage).response_metadata).toMatchObject({ finish_reason: "length", truncated: true });
      }
    } finally {
      await model.dispose();
    }
  });

  it("a 9.5 KB user message gets its reply, and the exchange is recorded (defect 5)", { timeout: 300_000 }, async () => {
    const dir = await tempDir("seal-long-message-");
    const store = MemoryStore.open({ path: path.join(dir, "memory.db"), embedder: new HashingEmbedder() });
    const model = new ChatSealLlama({ runtime, maxTokens: 24 });
    try {
      const agent = createAgent({ model, tools: [], middleware: [sealMemoryMiddleware({ store, namespace: ["ana"] })] });
      // One 9.5 KB "sentence" that starts like a statement: the old extractor made it a memory over the 8 KiB limit.
      const content = `I live in Porto. I am pasting my log: ${"error at line 12 of main.ts, retrying the request ".repeat(190)}`;
      expect(Buffer.byteLength(content)).toBeGreaterThan(9500);
      const result = await agent.invoke({ messages: [{ role: "user", content }] });
      expect(result.messages.at(-1)).toBeInstanceOf(AIMessage);
      expect(store.list(["ana"]).map((memory) => memory.text)).toContain("The user lives in Porto.");
    } finally {
      store.close();
      await model.dispose();
    }
  });
});
