import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { createAgent, tool } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatSealLlama } from "../../src/model/chat/chat-seal-llama.js";
import type { SealRuntime } from "../../src/model/runtime.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";

let runtime: SealRuntime;
let chat: ChatSealLlama;
beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  chat = new ChatSealLlama({ runtime });
});
afterAll(async () => {
  await chat.dispose();
  await runtime.dispose();
});

describe("ChatSealLlama in createAgent (SmolLM2-135M)", () => {
  it("makes a valid tool call and answers with the tool's result", async () => {
    const lookups: string[] = [];
    // A value the model cannot know or guess: if it shows up in the answer, it came from the tool.
    const getTemperature = tool(
      async ({ city }) => {
        lookups.push(city);
        return `The temperature in ${city} is 37 degrees.`;
      },
      { name: "get_temperature", description: "Get the current temperature in a city.", schema: z.object({ city: z.string() }) },
    );
    const agent = createAgent({ model: chat, tools: [getTemperature] });
    const result = await agent.invoke({ messages: [{ role: "user", content: "What is the temperature in Madrid?" }] });

    const calls = result.messages.flatMap((message) => (message instanceof AIMessage ? (message.tool_calls ?? []) : []));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe("get_temperature");
    expect(calls[0]?.args).toEqual({ city: expect.stringMatching(/madrid/i) });
    expect(lookups).toHaveLength(1);
    const final = result.messages.at(-1);
    expect(final).toBeInstanceOf(AIMessage);
    expect(String(final?.content)).toContain("37");
  });

  it("answers in plain text, streaming token by token, when no tools are bound", async () => {
    const chunks: string[] = [];
    for await (const chunk of await chat.stream([new HumanMessage("What is the capital of France?")])) chunks.push(String(chunk.content));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join("")).toMatch(/Paris/);
  });

  it("obeys a forced tool_choice", async () => {
    const echo = tool(async ({ text }) => text, { name: "echo", description: "Repeat text.", schema: z.object({ text: z.string() }) });
    const reply = await chat.bindTools([echo], { tool_choice: "echo" }).invoke([new HumanMessage("Hello there")]);
    expect(reply.tool_calls?.[0]?.name).toBe("echo");
    expect(typeof reply.tool_calls?.[0]?.args.text).toBe("string");
  });
});
