import { describe, expect, it } from "vitest";
import { pushChunks } from "../../src/model/chat/push-chunks.js";

describe("pushChunks", () => {
  it("yields pushed items in order, including ones pushed synchronously and after awaits", async () => {
    const seen: string[] = [];
    const stream = pushChunks<string, string>(async (push) => {
      push("a");
      push("b");
      await new Promise((resolve) => setTimeout(resolve, 5));
      push("c");
      return 3;
    }, (item) => item.toUpperCase());
    for await (const item of stream) seen.push(item);
    expect(seen).toEqual(["A", "B", "C"]);
  });

  it("rethrows the producer's failure after the items pushed before it", async () => {
    const seen: string[] = [];
    const stream = pushChunks<string>(async (push) => {
      push("a");
      throw new Error("boom");
    }, (item) => item);
    await expect(async () => {
      for await (const item of stream) seen.push(item);
    }).rejects.toThrow("boom");
    expect(seen).toEqual(["a"]);
  });
});
