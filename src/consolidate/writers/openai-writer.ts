import { z } from "zod";
import { parseOptions } from "../../config/parse-options.js";
import { SealError, throwIfAborted } from "../../errors.js";
import type { SelfEditWriter, WriterPrompt, WriterSampling } from "../plugin-types.js";
import { postJson } from "./openai-http.js";
import { isRetryable, replyContent, shownUrl, statusError } from "./openai-reply.js";

export const openAIWriterOptionsSchema = z
  .object({
    /** The API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`; `/chat/completions` is appended. */
    baseURL: z.string().url(),
    /** The model name the endpoint knows. */
    model: z.string().min(1),
    /** The environment variable holding the API key. Defaults to `OPENAI_API_KEY`; unset sends no Authorization header (local servers). */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name").default("OPENAI_API_KEY"),
    /** Deadline of one request, in ms. Defaults to `120000` (a local server on a CPU is slow). */
    timeoutMs: z.number().int().positive().default(120_000),
    /** Retries after a 429 or 5xx, with exponential backoff. Defaults to `2`. */
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .strict();

export type OpenAIWriterOptions = z.input<typeof openAIWriterOptionsSchema>;

const BACKOFF_MS = 500;
const MAX_WAIT_MS = 30_000;

/**
 * A teacher writer behind an OpenAI-compatible chat-completions endpoint (OpenAI, llama-server,
 * vLLM, Ollama…). The key is read from the environment at each request and is never put in an
 * error or a log.
 */
export function openAIWriter(options: OpenAIWriterOptions): SelfEditWriter {
  const parsed = parseOptions(openAIWriterOptionsSchema, options, "openAIWriter");
  const url = `${parsed.baseURL.replace(/\/+$/, "")}/chat/completions`;
  const shown = shownUrl(url);

  const write = async (prompt: WriterPrompt, sampling: WriterSampling): Promise<string> => {
    throwIfAborted(sampling.signal);
    const apiKey = process.env[parsed.apiKeyEnv] || undefined;
    const body = JSON.stringify({
      model: parsed.model,
      messages: [...(prompt.system ? [{ role: "system", content: prompt.system }] : []), { role: "user", content: prompt.user }],
      temperature: sampling.temperature,
      seed: sampling.seed,
      max_tokens: sampling.maxTokens,
      stream: false,
    });
    const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
    for (let attempt = 0; ; attempt++) {
      const reply = await postJson(url, body, { headers, timeoutMs: parsed.timeoutMs, signal: sampling.signal, shownUrl: shown });
      if (reply.status >= 200 && reply.status < 300) return replyContent(reply, shown, apiKey);
      if (!isRetryable(reply.status) || attempt >= parsed.maxRetries) throw statusError(reply, shown, parsed.apiKeyEnv, apiKey, attempt + 1);
      const waitMs = reply.retryAfterSeconds === undefined ? BACKOFF_MS * 2 ** attempt : reply.retryAfterSeconds * 1000;
      await sleep(Math.min(waitMs, MAX_WAIT_MS), sampling.signal);
    }
  };

  // One token of a trivial reply: the endpoint, the model name, the key and the reply's shape, at the cost of one request.
  const check = async (signal?: AbortSignal): Promise<void> => {
    await write({ user: "Reply with the word OK." }, { temperature: 0, seed: 0, maxTokens: 1, ...(signal ? { signal } : {}) });
  };

  return { id: `openai:${parsed.model}`, write, check };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SealError("ABORTED", "Writing was aborted", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
