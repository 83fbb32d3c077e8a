import { randomUUID } from "node:crypto";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import type { ChatHistoryItem, LlamaContext } from "node-llama-cpp";
import type { AdapterSpec } from "../adapter-spec.js";
import { AdapterSwitcher } from "../adapter-switcher.js";
import { generateChatReply, type ChatReply } from "../chat-turn.js";
import { adapterFileIdentity, type SealRuntime } from "../runtime.js";
import { pushChunks } from "./push-chunks.js";
import { parseReply, replySchema, toolInstructions, toolModeFromChoice, type ToolDefinition, type ToolMode } from "./tool-calling.js";
import { toChatHistory, toolRoundsSinceLastHuman } from "./message-conversion.js";

export interface ChatSealLlamaFields extends BaseChatModelParams {
  /** The loaded base model (see `SealRuntime.load`). */
  runtime: SealRuntime;
  /** LoRA adapters active from the start. Defaults to none. */
  adapters?: readonly AdapterSpec[];
  /** Sampling temperature; 0 is greedy. Defaults to `0`. */
  temperature?: number;
  /** Maximum tokens per reply. Defaults to `256`. */
  maxTokens?: number;
  /**
   * Tool round-trips allowed after each user message before the model must answer in text.
   * Small models tend to call tools again and again; 1 fits a 135M model. Defaults to `1`.
   */
  maxToolRounds?: number;
  /** Sampling seed (only used when temperature > 0). */
  seed?: number;
  /**
   * Called before every reply for the adapters to use (e.g. a tenant's active consolidated version,
   * `() => activeAdapters(store, namespace)`), so a new version is served without a restart.
   * A call's own `adapters` option wins. Defaults to none: the adapters stay as set.
   */
  resolveAdapters?: () => Promise<readonly AdapterSpec[]> | readonly AdapterSpec[];
}

export interface ChatSealLlamaCallOptions extends BaseChatModelCallOptions {
  tools?: ToolDefinition[];
  /** Adapters for this call (the memory middleware passes the tenant's active version here). */
  adapters?: readonly AdapterSpec[];
}

/**
 * A LangChain chat model on a local GGUF model through node-llama-cpp: the model's own chat
 * template, streaming, LoRA adapters that can be switched while running, and tool calling whose
 * replies are constrained by a JSON-schema grammar so that every tool call is valid.
 */
export class ChatSealLlama extends BaseChatModel<ChatSealLlamaCallOptions> {
  readonly runtime: SealRuntime;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly maxToolRounds: number;
  readonly seed: number | undefined;
  private readonly resolveAdapters: ChatSealLlamaFields["resolveAdapters"];
  private readonly switcher: AdapterSwitcher<LlamaContext>;
  // One generation at a time per model instance: a context has one sequence, and on a laptop CPU
  // parallel generations only slow each other down.
  private turnQueue: Promise<unknown> = Promise.resolve();

  static override lc_name(): string {
    return "ChatSealLlama";
  }

  constructor(fields: ChatSealLlamaFields) {
    super(fields);
    if (!fields?.runtime) throw new TypeError("ChatSealLlama: `runtime` is required (use SealRuntime.load)");
    this.runtime = fields.runtime;
    this.temperature = fields.temperature ?? 0;
    this.maxTokens = fields.maxTokens ?? 256;
    this.maxToolRounds = fields.maxToolRounds ?? 1;
    this.seed = fields.seed;
    this.resolveAdapters = fields.resolveAdapters;
    this.switcher = new AdapterSwitcher<LlamaContext>({
      createContext: (adapters) => this.runtime.createContext({ adapters }),
      identifyFile: adapterFileIdentity,
      initialAdapters: fields.adapters ?? [],
    });
  }

  _llmType(): string {
    return "seal-llama";
  }

  /** The adapters in use now. */
  get activeAdapters(): readonly AdapterSpec[] {
    return this.switcher.activeAdapters;
  }

  /** Switches adapters without a restart; replies already running finish on the old ones. */
  async setAdapters(adapters: readonly AdapterSpec[]): Promise<void> {
    await this.switcher.switchTo(adapters);
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<ChatSealLlamaCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, ChatSealLlamaCallOptions> {
    const definitions: ToolDefinition[] = tools.map((tool) => {
      const converted = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
      return { name: converted.function.name, description: converted.function.description ?? "", parameters: converted.function.parameters };
    });
    return this.withConfig({ ...kwargs, tools: definitions } as Partial<ChatSealLlamaCallOptions>);
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let final: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) final = final ? final.concat(chunk) : chunk;
    const message = final?.message ?? new AIMessageChunk({ content: "" });
    const aiMessage = new AIMessage({
      content: message.content,
      tool_calls: (message as AIMessageChunk).tool_calls ?? [],
      response_metadata: { ...message.response_metadata, model_provider: "seal-llama" },
    });
    return { generations: [{ text: typeof aiMessage.content === "string" ? aiMessage.content : "", message: aiMessage }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const tools = options.tools ?? [];
    let mode: ToolMode = tools.length > 0 ? toolModeFromChoice(options.tool_choice, tools.map((tool) => tool.name)) : { kind: "none" };
    if (mode.kind === "auto" && toolRoundsSinceLastHuman(messages) >= this.maxToolRounds) mode = { kind: "none" };
    const history = toChatHistory(messages);
    const signal = options.signal;
    const adapters = options.adapters;

    if (mode.kind === "none") {
      // Plain text: stream tokens as they come, then say how the reply ended.
      let reply: ChatReply | undefined;
      yield* pushChunks<string, ChatGenerationChunk>(
        async (push) => {
          reply = await this.runTurn(history, { onTextChunk: push, ...(signal ? { signal } : {}) }, adapters);
        },
        (text) => {
          void runManager?.handleLLMNewToken(text);
          return new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
        },
      );
      yield new ChatGenerationChunk({ text: "", message: new AIMessageChunk({ content: "", response_metadata: finishMetadata(reply?.cut ?? false) }) });
      return;
    }

    const withTools = addSystemText(history, toolInstructions(tools, mode));
    const grammar = await this.runtime.llama.createGrammarForJsonSchema(replySchema(tools, mode) as never);
    const generated = await this.runTurn(withTools, { grammar, ...(signal ? { signal } : {}) }, adapters);
    const reply = parseReply(generated.text, { cut: generated.cut });
    if (reply.kind === "answer" || reply.kind === "cut-tool-call") {
      // A cut tool call cannot run with half its arguments: it ends the turn as an empty, cut reply.
      const text = reply.kind === "answer" ? reply.text : "";
      if (text) void runManager?.handleLLMNewToken(text);
      yield new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text, response_metadata: finishMetadata(generated.cut) }) });
      return;
    }
    const id = `call_${randomUUID()}`;
    yield new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({
        content: "",
        tool_call_chunks: [{ type: "tool_call_chunk", id, name: reply.name, args: JSON.stringify(reply.args), index: 0 }],
      }),
    });
  }

  /** Frees the contexts (the runtime's model stays loaded for other users of it). */
  async dispose(): Promise<void> {
    await this.switcher.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private runTurn(history: ChatHistoryItem[], turn: Omit<Parameters<typeof generateChatReply>[2], "maxTokens" | "temperature" | "seed">, callAdapters?: readonly AdapterSpec[]): Promise<ChatReply> {
    const run = async () => {
      // Resolved inside the turn queue: turns take their adapters in order, never mid-reply.
      const wanted = callAdapters ?? (this.resolveAdapters ? await this.resolveAdapters() : undefined);
      if (wanted) await this.switcher.switchTo(wanted);
      const lease = await this.switcher.acquire();
      try {
        return await generateChatReply(lease.context, history, {
          ...turn,
          maxTokens: this.maxTokens,
          temperature: this.temperature,
          ...(this.seed === undefined ? {} : { seed: this.seed }),
        });
      } finally {
        await lease.release();
      }
    };
    const result = this.turnQueue.then(run, run);
    this.turnQueue = result.catch(() => undefined);
    return result;
  }
}

/**
 * How a reply ended, in LangChain's terms: `finish_reason` "length" when the token limit cut it
 * (the text is what was generated up to the cut), "stop" otherwise.
 */
function finishMetadata(cut: boolean): Record<string, unknown> {
  return cut ? { finish_reason: "length", truncated: true } : { finish_reason: "stop" };
}

/** Prepends text to the first system message, or adds one. */
function addSystemText(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const [first, ...rest] = history;
  if (first?.type === "system") return [{ type: "system", text: `${first.text}\n\n${text}` }, ...rest];
  return [{ type: "system", text }, ...history];
}
