import fs from "node:fs/promises";
import path from "node:path";
import { MemoryStore } from "../memory/memory-store.js";
import type { UpdateRules } from "../memory/update-rules.js";
import { LlamaEmbedder } from "../vector/llama-embedder.js";
import type { KiPassage } from "./ki-data.js";

/** Passages are documents, not statements to reconcile: every one is added as is. */
const ADD_ALWAYS: UpdateRules = { name: "ki-add-always", subjectOf: () => undefined, decide: () => ({ action: "add" }) };
const NAMESPACE = ["ki-rag"];

export interface KiRetriever {
  retrieve(question: string): Promise<{ id: string; text: string } | undefined>;
  close(): Promise<void>;
}

/**
 * The `rag` condition's retrieval: the memory core itself (hybrid BM25 + default embeddings) over
 * every passage of the data file, so the condition measures what our retrieval gives, not an
 * oracle. Built once under `dir` (completed by an atomic rename) and shared by workers.
 */
export async function openKiRetriever(dir: string, passages: readonly KiPassage[]): Promise<KiRetriever> {
  const embedder = await LlamaEmbedder.loadDefault();
  const mapFile = path.join(dir, "passage-ids.json");
  if (!(await fs.stat(mapFile).catch(() => undefined))) {
    const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await fs.mkdir(temp, { recursive: true });
    const building = MemoryStore.open({ path: path.join(temp, "rag.db"), embedder, rules: ADD_ALWAYS });
    const ids: Record<string, string> = {};
    for (const passage of passages) {
      const { memory } = await building.remember(NAMESPACE, { text: `${passage.title}\n${passage.context}`.slice(0, 8000), kind: "fact" });
      ids[String(memory.id)] = passage.id;
    }
    building.close();
    await fs.writeFile(path.join(temp, "passage-ids.json"), JSON.stringify(ids));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(temp, dir);
  }
  const ids = JSON.parse(await fs.readFile(mapFile, "utf8")) as Record<string, string>;
  const store = MemoryStore.open({ path: path.join(dir, "rag.db"), embedder, rules: ADD_ALWAYS });
  return {
    async retrieve(question) {
      const [hit] = await store.search(NAMESPACE, question, { limit: 1 });
      if (!hit) return undefined;
      return { id: ids[String(hit.memory.id)] ?? "", text: hit.memory.text };
    },
    async close() {
      store.close();
      await embedder.dispose();
    },
  };
}
