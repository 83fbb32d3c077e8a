import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SealError } from "../../src/errors.js";
import { openAIWriter } from "../../src/consolidate/writers/openai-writer.js";
import { bodySnippet, shownUrl } from "../../src/consolidate/writers/openai-reply.js";

// The OpenAI writer's protocol and failure handling against scripted HTTP endpoints on a local
// socket: the replies a real server rarely gives on demand (429, 5xx then success, a body that is
// not JSON, JSON without content, no reply at all). tests/model/teacher-endpoint.test.ts talks to a
// real llama-server.
type Handler = (request: { headers: http.IncomingHttpHeaders; body: string }, response: http.ServerResponse) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())));
});

async function endpoint(handlers: Handler[]): Promise<{ baseURL: string; requests: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> }> {
  const requests: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      requests.push({ url: request.url ?? "", headers: request.headers, body });
      const handler = handlers[Math.min(requests.length - 1, handlers.length - 1)];
      handler?.({ headers: request.headers, body }, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, requests };
}

const ok = (content: unknown): Handler => (_request, response) => {
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ choices: [{ message: { role: "assistant", content } }] }));
};
const status = (code: number, body = `{"error":"status ${code}"}`, headers: Record<string, string> = {}): Handler => (_request, response) => {
  response.writeHead(code, headers).end(body);
};

const prompt = { system: "sys", user: "the memories" };
const sampling = { temperature: 0.7, seed: 9, maxTokens: 50 };

async function failure(promise: Promise<unknown>): Promise<SealError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!SealError.isInstance(error)) throw new Error(`expected a SealError, got ${String(error)}`);
  return error;
}

describe("openAIWriter", () => {
  it("posts the chat request and returns choices[0].message.content", async () => {
    const { baseURL, requests } = await endpoint([ok("three lines")]);
    const writer = openAIWriter({ baseURL, model: "teacher-1", apiKeyEnv: "SEAL_TEST_UNSET_KEY" });
    expect(writer.id).toBe("openai:teacher-1");
    expect(await writer.write(prompt, sampling)).toBe("three lines");
    expect(requests[0]?.url).toBe("/v1/chat/completions"); // the trailing slash of baseURL is dropped
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({
      model: "teacher-1",
      messages: [{ role: "system", content: "sys" }, { role: "user", content: "the memories" }],
      temperature: 0.7,
      seed: 9,
      max_tokens: 50,
      stream: false,
    });
    expect(requests[0]?.headers.authorization).toBeUndefined();
  });

  it("sends the key from the named variable, and never shows it in an error", async () => {
    process.env.SEAL_TEST_KEY = "sk-very-secret";
    try {
      const { baseURL, requests } = await endpoint([status(401, `{"error":"bad key sk-very-secret"}`)]);
      const error = await failure(openAIWriter({ baseURL, model: "m", apiKeyEnv: "SEAL_TEST_KEY" }).write(prompt, sampling));
      expect(requests[0]?.headers.authorization).toBe("Bearer sk-very-secret");
      expect(error.code).toBe("WRITER_FAILED");
      expect(error.context).toMatchObject({ status: 401, attempts: 1 });
      expect(error.hint).toContain("SEAL_TEST_KEY");
      expect(JSON.stringify(error.toJSON())).not.toContain("sk-very-secret");
    } finally {
      delete process.env.SEAL_TEST_KEY;
    }
  });

  it("retries 503 and 429 with backoff, then succeeds", async () => {
    const { baseURL, requests } = await endpoint([status(503), status(429, "slow down", { "retry-after": "0" }), ok("fine")]);
    expect(await openAIWriter({ baseURL, model: "m" }).write(prompt, sampling)).toBe("fine");
    expect(requests).toHaveLength(3);
  });

  it("gives up after maxRetries with the last status and the start of the body", async () => {
    const { baseURL, requests } = await endpoint([status(500, "x".repeat(1000))]);
    const error = await failure(openAIWriter({ baseURL, model: "m", maxRetries: 1 }).write(prompt, sampling));
    expect(requests).toHaveLength(2);
    expect(error.context).toMatchObject({ status: 500, attempts: 2, url: `${baseURL}chat/completions` });
    expect(error.context.body).toBe("x".repeat(300));
  });

  it("does not retry a 400", async () => {
    const { baseURL, requests } = await endpoint([status(400)]);
    expect((await failure(openAIWriter({ baseURL, model: "m" }).write(prompt, sampling))).context).toMatchObject({ status: 400 });
    expect(requests).toHaveLength(1);
  });

  it("a body that is not JSON, or JSON without content, is WRITER_FAILED", async () => {
    const html = await endpoint([status(200, "<html>proxy login</html>")]);
    const notJson = await failure(openAIWriter({ baseURL: html.baseURL, model: "m" }).write(prompt, sampling));
    expect(notJson.message).toMatch(/JSON/);
    expect(notJson.context).toMatchObject({ status: 200, body: "<html>proxy login</html>" });
    const empty = await endpoint([ok(null)]);
    const noContent = await failure(openAIWriter({ baseURL: empty.baseURL, model: "m" }).write(prompt, sampling));
    expect(noContent.code).toBe("WRITER_FAILED");
    expect(noContent.message).toMatch(/choices\[0\]\.message\.content/);
  });

  it("a server that never answers is WRITER_FAILED at the timeout; the caller's abort is ABORTED", async () => {
    const { baseURL } = await endpoint([() => undefined]);
    const started = Date.now();
    const slow = await failure(openAIWriter({ baseURL, model: "m", timeoutMs: 300 }).write(prompt, sampling));
    expect(slow.code).toBe("WRITER_FAILED");
    expect(slow.context).toMatchObject({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(openAIWriter({ baseURL, model: "m" }).write(prompt, { ...sampling, signal: controller.signal }))).code).toBe("ABORTED");
  });

  it("an abort during the backoff is ABORTED", async () => {
    const { baseURL } = await endpoint([status(503, "busy", { "retry-after": "20" })]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    expect((await failure(openAIWriter({ baseURL, model: "m" }).write(prompt, { ...sampling, signal: controller.signal }))).code).toBe("ABORTED");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("validates its options", () => {
    expect(() => openAIWriter({ baseURL: "nope", model: "m" })).toThrow(/baseURL/);
    expect(() => openAIWriter({ baseURL: "http://x/v1", model: "m", apiKeyEnv: "not a name" })).toThrow(/apiKeyEnv/);
  });
});

describe("what errors show", () => {
  it("drops credentials from the URL and the key from the body", () => {
    expect(shownUrl("https://user:pw@host/v1/chat/completions?api-key=abc&api-version=2")).toBe("https://host/v1/chat/completions?api-key=%5Bredacted%5D&api-version=2");
    expect(bodySnippet("your key k123 is wrong", "k123")).toBe("your key [redacted] is wrong");
  });
});
