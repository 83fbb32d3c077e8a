import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SealError } from "../../src/errors.js";
import { assertUtf8Lines } from "../../src/train/train-data-utf8.js";
import { tempDir } from "../helpers/temp-dir.js";

async function write(bytes: Buffer): Promise<string> {
  const file = path.join(await tempDir(), "d.jsonl");
  await fs.writeFile(file, bytes);
  return file;
}

async function lineOf(file: string, chunkSize?: number): Promise<number | undefined | "ok"> {
  try {
    await assertUtf8Lines(file, chunkSize === undefined ? {} : { chunkSize });
    return "ok";
  } catch (error) {
    if (!SealError.isInstance(error)) throw error;
    expect(error.code).toBe("TRAIN_DATA_INVALID");
    expect(error.hint).toBeTruthy();
    return error.context.line as number | undefined;
  }
}

const text = (s: string) => Buffer.from(s, "utf8");

describe("assertUtf8Lines", () => {
  it("accepts valid UTF-8, multi-byte characters across every chunk boundary included", async () => {
    const file = await write(text('{"text": "naïve café 日本語 🙂"}\r\n{"text": "second"}\n\n{"text": "no newline at the end 🙂"}'));
    for (const chunkSize of [1, 2, 3, 5, 7, 64 * 1024]) expect(await lineOf(file, chunkSize)).toBe("ok");
  });

  it("accepts a byte-order mark", async () => {
    expect(await lineOf(await write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text('{"text": "x"}\n')])))).toBe("ok");
  });

  it.each([1, 3, 64 * 1024])("names the 1-based line of an invalid byte (chunks of %i bytes)", async (chunkSize) => {
    const file = await write(Buffer.concat([text('{"text": "fine"}\n{"text": "fine too"}\n{"text": "bad '), Buffer.from([0xff, 0xfe]), text('"}\n{"text": "after"}\n')]));
    expect(await lineOf(file, chunkSize)).toBe(3);
  });

  it("names a line that ends inside a multi-byte character", async () => {
    // 0xC3 starts a two-byte character; the newline after it cuts it off.
    const file = await write(Buffer.concat([text('{"text": "a"}\n{"text": "'), Buffer.from([0xc3]), text('\n"}\n')]));
    expect(await lineOf(file, 2)).toBe(2);
  });

  it("names the last line when the file ends inside a multi-byte character", async () => {
    const file = await write(Buffer.concat([text('{"text": "a"}\n{"text": "b"}\n'), Buffer.from([0xe6, 0x97])]));
    expect(await lineOf(file)).toBe(3);
  });

  it("refuses an overlong encoding and a UTF-16 surrogate encoded as UTF-8", async () => {
    expect(await lineOf(await write(Buffer.concat([text('{"text": "'), Buffer.from([0xc0, 0xaf]), text('"}\n')])))).toBe(1);
    expect(await lineOf(await write(Buffer.concat([text('{"text": "'), Buffer.from([0xed, 0xa0, 0x80]), text('"}\n')])))).toBe(1);
  });

  it("a folder or a missing file is TRAIN_DATA_INVALID too", async () => {
    const dir = await tempDir();
    expect(await lineOf(dir)).toBeUndefined();
    expect(await lineOf(path.join(dir, "missing.jsonl"))).toBeUndefined();
  });
});
