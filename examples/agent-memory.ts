// An agent that remembers across sessions, on the default model, offline:
//   session 1: the user tells the agent about themselves; the memory middleware records the
//              exchange and stores what it learnt (SQLite + FTS5 + HNSW);
//   session 2: a new agent, a new store handle on the same file, no chat history: the middleware
//              retrieves the memories relevant to the question and the model answers from them.
//
//   npx tsx examples/agent-memory.ts   (or: npm run build && node dist/examples/agent-memory.js)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAgent } from "langchain";
import { ChatSealLlama, ensureModel, LlamaEmbedder, MemoryStore, resolveCacheDir, SealRuntime, SealStore, sealMemoryMiddleware } from "../src/index.js";

export interface AgentMemoryExampleResult {
  /** What the model answered in session 2. */
  answer: string;
  /** The memories stored in session 1. */
  remembered: string[];
  /** The memories injected into session 2's prompt. */
  recalled: string[];
}

export async function runAgentMemoryExample(options: { runtime: SealRuntime; dbPath: string; log?: (line: string) => void }): Promise<AgentMemoryExampleResult> {
  const log = options.log ?? (() => {});
  const user = ["user-priya"];
  // The default embedding model (all-MiniLM-L6-v2, fetched and verified by `seal model pull`).
  const embedder = await LlamaEmbedder.loadDefault();
  const chat = new ChatSealLlama({ runtime: options.runtime, maxTokens: 40 });
  try {
    // Session 1
    const first = MemoryStore.open({ path: options.dbPath, embedder });
    const agent1 = createAgent({ model: chat, tools: [], store: new SealStore(first), middleware: [sealMemoryMiddleware({ store: first, namespace: user })] });
    const said = "Hi! My name is Priya. I live in Lisbon and I work as a marine biologist.";
    const reply1 = await agent1.invoke({ messages: [{ role: "user", content: said }] });
    log(`  session 1  user: ${said}`);
    log(`             agent: ${String(reply1.messages.at(-1)?.content ?? "").trim()}`);
    const remembered = first.list(user).map((memory) => memory.text);
    log(`             remembered: ${remembered.map((text) => JSON.stringify(text)).join(", ")}`);
    first.close();

    // Session 2: nothing shared with session 1 but the database file.
    const second = MemoryStore.open({ path: options.dbPath, embedder });
    const question = "Which city do I live in?";
    const recalled = (await second.search(user, question, { limit: 5 })).map((hit) => hit.memory.text);
    const agent2 = createAgent({ model: chat, tools: [], store: new SealStore(second), middleware: [sealMemoryMiddleware({ store: second, namespace: user, record: false })] });
    const reply2 = await agent2.invoke({ messages: [{ role: "user", content: question }] });
    const answer = String(reply2.messages.at(-1)?.content ?? "").trim();
    log(`  session 2  user: ${question}   (no chat history; memories retrieved: ${recalled.length})`);
    log(`             agent: ${answer}`);
    second.close();
    return { answer, remembered, recalled };
  } finally {
    await embedder.dispose();
    await chat.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { path: modelPath } = await ensureModel();
  await using runtime = await SealRuntime.load({ modelPath });
  const dbPath = path.join(resolveCacheDir(), "demo", `agent-memory-${Date.now()}.db`);
  const result = await runAgentMemoryExample({ runtime, dbPath, log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(result.answer.includes("Lisbon") ? "Recalled across sessions.\n" : "The model did not use the memory this time.\n");
}
