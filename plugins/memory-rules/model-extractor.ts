import type { ChatHistoryItem } from "node-llama-cpp";
import { generateJson, type Interaction, type MemoryExtractor, type RememberInput, type SealRuntime } from "../../src/api.js";
import { durabilityOf } from "./memory-classes.js";
import { sentenceExtractor } from "./sentence-extractor.js";
import { normalizeText } from "./statement.js";

const SCHEMA = {
  type: "object",
  properties: {
    memories: {
      type: "array",
      maxItems: 3,
      items: {
        type: "object",
        properties: {
          text: { type: "string", maxLength: 200 },
          kind: { enum: ["fact", "preference", "procedure", "event"] },
        },
        required: ["text", "kind"],
      },
    },
  },
  required: ["memories"],
} as const;

const STOP = new Set(["the", "a", "an", "is", "are", "user", "user's", "s", "of", "to", "in", "and", "i", "my", "am"]);
const contentWords = (text: string): string[] => normalizeText(text).split(" ").filter((word) => word && !STOP.has(word));

/**
 * Extraction by the local model under a JSON-schema grammar (the grammar guarantees well-formed
 * output even from a 135M model), backed by heuristics: a model memory is kept only if most of its
 * content words occur in the user's message (a small model invents facts otherwise), and the
 * sentence extractor's statements are added to whatever survives.
 */
export function modelExtractor(runtime: SealRuntime): MemoryExtractor {
  return {
    name: "model-extractor",
    async extract(interaction: Interaction, options: { signal?: AbortSignal } = {}): Promise<RememberInput[]> {
      const said = new Set(contentWords(interaction.user));
      const history: ChatHistoryItem[] = [
        { type: "system", text: "You extract facts the user states about themselves, as short third-person sentences starting with \"The user\". Output JSON. If there are none, output an empty list." },
        { type: "user", text: interaction.user },
      ];
      const context = await runtime.createContext({ contextSize: 1024 });
      let fromModel: RememberInput[] = [];
      try {
        const output = await generateJson<{ memories: Array<{ text: string; kind: RememberInput["kind"] }> }>(context, history, SCHEMA as never, { maxTokens: 160, ...(options.signal ? { signal: options.signal } : {}) });
        fromModel = output.memories
          .filter((memory) => {
            const words = contentWords(memory.text);
            return words.length > 0 && words.filter((word) => said.has(word)).length / words.length >= 0.6;
          })
          .map((memory) => ({ text: memory.text.trim(), kind: memory.kind, durability: durabilityOf(memory.text), confidence: 0.6 }));
      } catch {
        fromModel = []; // the heuristics below still run
      } finally {
        await context.dispose();
      }
      const fromSentences = await sentenceExtractor.extract(interaction);
      const seen = new Set<string>();
      return [...fromSentences, ...fromModel].filter((memory) => {
        const key = normalizeText(String(memory.text));
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
  };
}
