import { SealError } from "../../errors.js";
import type { HttpReply } from "./openai-http.js";

const BODY_CHARS = 300;

/** What an error may show of a server's body: the start of it, with the API key blanked out (some servers echo it). */
export function bodySnippet(body: string, apiKey: string | undefined): string {
  const shown = apiKey ? body.split(apiKey).join("[redacted]") : body;
  return shown.slice(0, BODY_CHARS);
}

/** The URL without user info and without the values of query parameters that look like credentials. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (/key|token|secret|sig|pass|auth/i.test(key)) parsed.searchParams.set(key, "[redacted]");
  }
  return parsed.toString();
}

/** 429 (rate limit) and 5xx (overloaded, a model still loading) may pass; other statuses will not. */
export function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The WRITER_FAILED error for a non-2xx reply, with a hint for the usual causes. */
export function statusError(reply: HttpReply, url: string, apiKeyEnv: string, apiKey: string | undefined, attempts: number): SealError {
  return new SealError("WRITER_FAILED", `${url} answered ${reply.status} ${reply.statusText}`.trim(), {
    hint: statusHint(reply.status, apiKeyEnv, apiKey !== undefined),
    context: { url, status: reply.status, body: bodySnippet(reply.body, apiKey), attempts },
  });
}

function statusHint(status: number, apiKeyEnv: string, hasKey: boolean): string {
  if (status === 401 || status === 403) {
    return hasKey ? `The server refused the API key in ${apiKeyEnv}; check that it is valid for this endpoint.` : `The server wants an API key: set the environment variable ${apiKeyEnv}.`;
  }
  if (status === 404) return "No chat-completions endpoint at this URL: baseURL must be the API root (most servers: ending in /v1), and the model name must exist there.";
  if (status === 429) return "The endpoint is rate-limiting; try again later, or raise maxRetries.";
  if (status >= 500) return "The server failed or is overloaded (a model still loading answers 503); try again later, or raise maxRetries.";
  return "The server rejected the request; check the model name and that the server supports temperature, seed and max_tokens.";
}

/** The reply text from a 2xx body: `choices[0].message.content`. */
export function replyContent(reply: HttpReply, url: string, apiKey: string | undefined): string {
  const context = { url, status: reply.status, body: bodySnippet(reply.body, apiKey) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch (error) {
    throw new SealError("WRITER_FAILED", `${url} did not answer with JSON`, {
      hint: "The URL answers, but not as an OpenAI-compatible API; check baseURL (a web page or proxy may be answering).",
      context,
      cause: error,
    });
  }
  const content = (parsed as { choices?: Array<{ message?: { content?: unknown } }> } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== "string") {
    throw new SealError("WRITER_FAILED", `${url} answered without choices[0].message.content`, {
      hint: "The endpoint is not OpenAI chat-completions compatible, or the model returned no text (a reasoning-only or tool-call reply).",
      context,
    });
  }
  return content;
}
