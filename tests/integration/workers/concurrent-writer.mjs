// A separate process writing memories into a shared store (tests/integration/memory-concurrency).
// Runs on the built package (npm test builds it first). Exit 0 when all writes succeeded.
// Arguments: <store> <worker number> <count> [tenant, default "shared"].
import { HashingEmbedder, MemoryStore } from "../../../dist/src/index.js";

const [dbPath, worker, count, tenant = "shared"] = process.argv.slice(2);
const store = MemoryStore.open({ path: dbPath, embedder: new HashingEmbedder() });
let state = 7919 * (Number(worker) + 1);
const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const syllables = ["ka", "lo", "mi", "ne", "su", "ta", "vo", "ri", "pe", "zu", "ha", "gi", "bo", "xe", "du"];
const word = () => Array.from({ length: 3 }, () => syllables[Math.floor(random() * syllables.length)]).join("");
try {
  for (let i = 0; i < Number(count); i++) {
    await store.remember([tenant], { text: `w${worker}n${i} ${Array.from({ length: 6 }, word).join(" ")}` });
  }
  store.close();
  process.stdout.write(JSON.stringify({ worker: Number(worker), ok: true }) + "\n");
} catch (error) {
  process.stdout.write(JSON.stringify({ worker: Number(worker), ok: false, code: error.code, message: String(error.message) }) + "\n");
  process.exitCode = 1;
}
