import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectGguf } from "../../src/model/gguf-inspect.js";
import { codeOf } from "../helpers/error-code.js";
import { tempDir } from "../helpers/temp-dir.js";


describe("inspectGguf", () => {
  it("names a missing model MODEL_NOT_FOUND and a missing adapter ADAPTER_INVALID", async () => {
    const dir = await tempDir();
    expect(await codeOf(inspectGguf(path.join(dir, "none.gguf"), "model"))).toBe("MODEL_NOT_FOUND");
    expect(await codeOf(inspectGguf(path.join(dir, "none.gguf"), "adapter"))).toBe("ADAPTER_INVALID");
  });

  it("rejects files that are not GGUF", async () => {
    const dir = await tempDir();
    const text = path.join(dir, "notes.gguf");
    await fs.writeFile(text, "GGUF? no, just text");
    expect(await codeOf(inspectGguf(text, "model"))).toBe("MODEL_CORRUPT");
    expect(await codeOf(inspectGguf(text, "adapter"))).toBe("ADAPTER_INVALID");
    // A truncated header: the magic is right, the rest is cut off.
    const truncated = path.join(dir, "truncated.gguf");
    await fs.writeFile(truncated, Buffer.from([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 9]));
    expect(await codeOf(inspectGguf(truncated, "model"))).toBe("MODEL_CORRUPT");
  });

  it("rejects a directory given as a model", async () => {
    expect(await codeOf(inspectGguf(await tempDir(), "model"))).toBe("MODEL_NOT_FOUND");
  });
});

describe("inspectGguf on damaged headers", () => {
  it("rejects, without hanging, a file that starts with the magic and then garbage", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "garbage.gguf");
    await fs.writeFile(file, "GGUF? no, just text that goes on for a while");
    const started = Date.now();
    expect(await codeOf(inspectGguf(file, "model"))).toBe("MODEL_CORRUPT");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
