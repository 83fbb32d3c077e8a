// One agent, many users: the memory middleware reads the tenant from each run's context, so every
// user's memories are stored and retrieved apart. Plain JavaScript too (no `await using`).
//
//   npm run build && node dist/examples/multi-tenant-agent.js
import os from "node:os";
import path from "node:path";
import fs from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createAgent } from "langchain";
import { ChatSealLlama, ensureModel, LlamaEmbedder, MemoryStore, SealRuntime, sealMemoryMiddleware } from "../src/index.js";

export interface MultiTenantResult {
  /** Each user's stored memories. */
  memories: Record<string, string[]>;
  /** Each user's answer to "Which city do I live in?". */
  answers: Record<string, string>;
}

export async function runMultiTenantExample(options: { runtime: SealRuntime; dbPath: string; log?: (line: string) => void }): Promise<MultiTenantResult> {
  const log = options.log ?? (() => {});
  const embedder = await LlamaEmbedder.loadDefault();
  const memory = MemoryStore.open({ path: options.dbPath, embedder });
  const model = new ChatSealLlama({ runtime: options.runtime, maxTokens: 60 });
  try {
    const agent = createAgent({
      model,
      tools: [],
      middleware: [sealMemoryMiddleware({ store: memory, namespace: (context) => [context.userId] })],
    });
    const said = { ana: "I live in Porto and I work as a pharmacist.", ben: "I live in Oslo. My dog is called Rex." };
    for (const [userId, content] of Object.entries(said)) {
      const reply = await agent.invoke({ messages: [{ role: "user", content }] }, { context: { userId } });
      log(`${userId}: ${content}\n  agent: ${String(reply.messages.at(-1)?.content ?? "").trim()}`);
    }
    const memories: Record<string, string[]> = {};
    const answers: Record<string, string> = {};
    for (const userId of Object.keys(said)) {
      memories[userId] = memory.list([userId]).map((record) => record.text);
      const reply = await agent.invoke({ messages: [{ role: "user", content: "Which city do I live in?" }] }, { context: { userId } });
      answers[userId] = String(reply.messages.at(-1)?.content ?? "").trim();
      log(`${userId} remembered: ${memories[userId]?.join(" | ")}\n  asked "Which city do I live in?": ${answers[userId]}`);
    }
    return { memories, answers };
  } finally {
    memory.close();
    await embedder.dispose();
    await model.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runtime = await SealRuntime.load({ modelPath: (await ensureModel()).path });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "seal-multi-tenant-"));
  await runMultiTenantExample({ runtime, dbPath: path.join(dir, "memory.db"), log: (line) => process.stdout.write(`${line}\n`) });
  await runtime.dispose();
}
