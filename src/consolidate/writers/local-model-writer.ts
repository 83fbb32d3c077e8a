import type { ChatHistoryItem, LlamaContext } from "node-llama-cpp";
import { SealError, throwIfAborted } from "../../errors.js";
import type { AdapterSpec } from "../../model/adapter-spec.js";
import { generateChatReply } from "../../model/chat-turn.js";
import type { SealRuntime } from "../../model/runtime.js";
import type { SelfEditWriter, WriterPrompt, WriterSampling } from "../plugin-types.js";

export interface LocalModelWriterOptions {
  id: string;
  /** The model, loaded on the first write (a teacher is not loaded until it is used). */
  runtime: () => Promise<SealRuntime>;
  contextSize?: number;
  adapters?: readonly AdapterSpec[];
  /** Runs after the context is freed (a teacher unloads its model here). */
  onDispose?: () => Promise<void>;
}

/**
 * The writers' contexts that are not disposed yet, held strongly. With node-llama-cpp 3.22.1, a
 * context that is garbage-collected without dispose() makes its model's dispose() wait forever;
 * a writer its caller drops without disposing would then hang the runtime's shutdown. Held here, it
 * is freed by the writer's dispose() or, at the latest, by the model's.
 */
const liveContexts = new Set<LlamaContext>();

function keepUntilDisposed(context: LlamaContext): LlamaContext {
  liveContexts.add(context);
  context.onDispose.createListener(() => liveContexts.delete(context));
  return context;
}

/** The prompt as a chat history: the system message (if any), then the user message with the memories. */
export function promptHistory(prompt: WriterPrompt): ChatHistoryItem[] {
  return [...(prompt.system ? [{ type: "system" as const, text: prompt.system }] : []), { type: "user", text: prompt.user }];
}

/**
 * A writer on a local GGUF model through its chat template (the student, or a GGUF teacher). One
 * context, created on the first write and reused: a run writes hundreds of samples, and a context
 * per sample would reallocate the KV cache each time. The context has one sequence, so writes are
 * queued one after another.
 */
export function localModelWriter(options: LocalModelWriterOptions): SelfEditWriter {
  let context: Promise<LlamaContext> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  const contextFor = async (signal: AbortSignal | undefined): Promise<LlamaContext> => {
    context ??= options.runtime().then(async (runtime) =>
      keepUntilDisposed(
        await runtime.createContext({
          ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
          ...(options.adapters ? { adapters: options.adapters } : {}),
        }),
      ),
    );
    // A failed load or context is not kept, so a later write can try again.
    context.catch(() => (context = undefined));
    const ready = await context;
    throwIfAborted(signal);
    return ready;
  };

  const writeNow = async (prompt: WriterPrompt, sampling: WriterSampling): Promise<string> => {
    if (disposed) throw new SealError("DISPOSED", `The ${options.id} writer has been disposed`);
    throwIfAborted(sampling.signal);
    try {
      const reply = await generateChatReply(await contextFor(sampling.signal), promptHistory(prompt), {
        temperature: sampling.temperature,
        seed: sampling.seed,
        maxTokens: sampling.maxTokens,
        ...(sampling.signal ? { signal: sampling.signal } : {}),
      });
      return reply.text;
    } catch (error) {
      if (SealError.isInstance(error)) throw error;
      throw new SealError("WRITER_FAILED", `The ${options.id} writer failed: ${(error as Error).message}`, {
        hint: "The model could not generate a reply; check that the model file loads (`seal model info`) and that the prompt fits in the context.",
        context: { writer: options.id },
        cause: error,
      });
    }
  };

  return {
    id: options.id,
    write(prompt, sampling) {
      const result = queue.then(() => writeNow(prompt, sampling));
      queue = result.catch(() => undefined);
      return result;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue; // let a write in progress finish rather than pull its context away
      const open = context;
      context = undefined;
      await (await open?.catch(() => undefined))?.dispose();
      await options.onDispose?.();
    },
  };
}
