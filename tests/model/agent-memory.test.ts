import path from "node:path";
import { describe, expect, it } from "vitest";
import { runAgentMemoryExample } from "../../examples/agent-memory.js";
import { ensureModel } from "../../src/model/pull/ensure-model.js";
import { SealRuntime } from "../../src/model/runtime.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("examples/agent-memory.ts on the default model", () => {
  it("recalls in a second session what the user said in the first, with no chat history", { timeout: 300_000 }, async () => {
    const { path: modelPath } = await ensureModel();
    await using runtime = await SealRuntime.load({ modelPath });
    const dir = await tempDir("seal-agent-memory-");
    const result = await runAgentMemoryExample({ runtime, dbPath: path.join(dir, "memory.db") });
    expect(result.remembered).toContain("The user lives in Lisbon.");
    expect(result.recalled).toContain("The user lives in Lisbon.");
    expect(result.answer).toContain("Lisbon");
  });
});
