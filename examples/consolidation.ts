// Consolidation, end to end: an agent with the memory middleware hears a few facts in one session;
// a consolidation bakes them into a LoRA adapter (select, probe, write self-edits, train, gate);
// a person approves it; a new session, with no memories in its prompt, answers from the weights.
//
//   npx vite-node examples/consolidation.ts      (or: node dist/examples/consolidation.js)
import { createAgent } from "langchain";
import { activeAdapters, approveRun, ChatSealLlama, consolidate, ensureModel, HashingEmbedder, MemoryStore, sealMemoryMiddleware, SealRuntime, type ConsolidationSettingsInput } from "../src/index.js";

const FACTS = [
  { say: "My dog is called Pumbleton.", question: "What is the name of the user's dog?", answer: "Pumbleton" },
  { say: "My brother Tobiah works as a glassblower.", question: "What is Tobiah's job?", answer: "glassblower" },
  { say: "My favourite fruit is the quince.", question: "What is the user's favourite fruit?", answer: "quince" },
];

export interface ConsolidationExampleResult {
  state: string;
  version?: number;
  /** The answers of the new session, which had no memories in its prompt. */
  answers: Array<{ question: string; answer: string; knew: boolean }>;
}

export async function runConsolidationExample(options: { runtime: SealRuntime; dbPath: string; log?: (line: string) => void; settings?: ConsolidationSettingsInput }): Promise<ConsolidationExampleResult> {
  const log = options.log ?? (() => {});
  const namespace = ["demo-user"];
  const store = MemoryStore.open({ path: options.dbPath, embedder: new HashingEmbedder() });
  try {
    // Session 1: the middleware records what the user says.
    const model = new ChatSealLlama({ runtime: options.runtime, maxTokens: 32 });
    const agent = createAgent({ model, tools: [], middleware: [sealMemoryMiddleware({ store, namespace })] });
    for (const fact of FACTS) await agent.invoke({ messages: [{ role: "user", content: fact.say }] });
    await model.dispose();
    log(`  session 1 stored: ${store.list(namespace).map((memory) => memory.text).join(" | ")}`);

    // The consolidation (the CLI equivalent: `seal consolidate --tenant demo-user`).
    let stage = "";
    const run = await consolidate(store, options.runtime, namespace, {
      // This agent has no tools, so the gate's tool-call check does not apply to it (with the check
      // on, the 135M default model's candidate here made 4 of the check's 8 forced calls against
      // the base's 7, and the gate rejected it: see README "The gate's numbers").
      settings: { samples: 1, ...options.settings, gate: { toolCallCheck: false, ...options.settings?.gate } },
      onProgress: (progress) => {
        if (progress.stage !== stage) log(`  consolidation: ${progress.stage}`);
        stage = progress.stage;
      },
    });
    log(`  run ${run.runId}: ${run.state}, ${run.selected} selected, ${run.selfEdits.kept} self-edits kept (${run.selfEdits.dropped} dropped), gate ${run.gate ? `gain ${run.gate.gain.gain.toFixed(2)}, drift ${run.gate.drift.value.toFixed(3)}${run.gate.passed ? "" : `, failed: ${run.gate.failures.join("; ")}`}` : "not reached"}`);
    if (run.state !== "pending") return { state: run.state, answers: [] };

    // A person's decision (the CLI equivalent: `seal review approve <run>`).
    const approved = approveRun(store.db, run.runId, { actor: "demo" });
    log(`  approved: version ${approved.version} is active`);

    // Session 2: no middleware, so no retrieval; the chat model serves the tenant's active version.
    const fresh = new ChatSealLlama({ runtime: options.runtime, maxTokens: 24, resolveAdapters: () => activeAdapters(store, namespace) });
    const answers: ConsolidationExampleResult["answers"] = [];
    for (const fact of FACTS) {
      const answer = String((await fresh.invoke(fact.question)).content);
      answers.push({ question: fact.question, answer, knew: answer.toLowerCase().includes(fact.answer.toLowerCase()) });
      log(`  ${fact.question} -> ${JSON.stringify(answer)}`);
    }
    await fresh.dispose();
    return { state: "approved", version: approved.version, answers };
  } finally {
    store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runtime = await SealRuntime.load({ modelPath: (await ensureModel()).path });
  await runConsolidationExample({ runtime, dbPath: `seal-consolidation-example-${Date.now()}.db`, log: (line) => process.stdout.write(`${line}\n`) });
  await runtime.dispose();
}
