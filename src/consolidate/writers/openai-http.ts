import { SealError } from "../../errors.js";

export interface HttpReply {
  status: number;
  statusText: string;
  body: string;
  /** Seconds from a `Retry-After: <seconds>` header, when the server sent one. */
  retryAfterSeconds: number | undefined;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** The URL as errors show it (no credentials). */
  shownUrl: string;
}

/**
 * One POST with global fetch, the body read under the same deadline. Failures that never got an
 * HTTP status (nothing listening, DNS, the deadline) are WRITER_FAILED; the caller's abort is ABORTED.
 */
export async function postJson(url: string, body: string, options: PostOptions): Promise<HttpReply> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...options.headers }, body, signal });
    const text = await response.text();
    const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
    return { status: response.status, statusText: response.statusText, body: text, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined };
  } catch (error) {
    if (options.signal?.aborted) throw new SealError("ABORTED", "Writing was aborted", { cause: error });
    if (deadline.aborted) {
      throw new SealError("WRITER_FAILED", `No reply from ${options.shownUrl} within ${options.timeoutMs} ms`, {
        hint: "The endpoint is too slow for this request: raise timeoutMs, lower the token limit, or use a faster server.",
        context: { url: options.shownUrl, timeoutMs: options.timeoutMs },
        cause: error,
      });
    }
    const code = networkCode(error);
    throw new SealError("WRITER_FAILED", `Could not reach ${options.shownUrl}${code ? ` (${code})` : ""}`, {
      hint: "Start the server, or check baseURL: it is the API root the server documents (e.g. http://127.0.0.1:8080/v1), and /chat/completions is appended to it.",
      context: { url: options.shownUrl, ...(code ? { cause: code } : {}) },
      cause: error,
    });
  }
}

/** undici wraps the socket error: `TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } })`. */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}
