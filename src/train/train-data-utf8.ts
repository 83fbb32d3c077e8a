import fs from "node:fs";
import { SealError } from "../errors.js";

const NEWLINE = 0x0a;

/**
 * Checks that every line of a training file is valid UTF-8, reading it as a stream (a large file is
 * never held in memory). Invalid bytes are TRAIN_DATA_INVALID with `context.line` (1-based): the
 * native trainer would only see them after loading the model, and a tokenizer fed invalid UTF-8
 * learns garbage. A missing or unreadable file is TRAIN_DATA_INVALID as well.
 */
export async function assertUtf8Lines(dataPath: string, options: { chunkSize?: number } = {}): Promise<void> {
  // One strict decoder: "stream" carries a character split across chunks, and the final decode()
  // at each newline rejects a character the newline cuts off (and resets the decoder). 0x0A never
  // occurs inside a multi-byte UTF-8 sequence, so splitting on it is safe.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  const invalid = (cause: unknown) =>
    new SealError("TRAIN_DATA_INVALID", `line ${line}: not valid UTF-8`, {
      hint: `Save ${dataPath} as UTF-8 (line ${line} has bytes that are not); e.g. \`iconv -f latin1 -t utf-8\` if it was Latin-1.`,
      context: { dataPath, line },
      cause,
    });
  const decode = (bytes: Uint8Array, stream: boolean) => {
    try {
      decoder.decode(bytes, { stream });
    } catch (error) {
      throw invalid(error);
    }
  };
  try {
    for await (const chunk of fs.createReadStream(dataPath, { highWaterMark: options.chunkSize ?? 1 << 20 }) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        decode(chunk.subarray(start, end), false);
        line++;
        start = end + 1;
      }
      decode(chunk.subarray(start), true);
    }
  } catch (error) {
    if (SealError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SealError("TRAIN_DATA_INVALID", `Cannot read training data ${dataPath}${code === "EISDIR" ? ": it is a folder" : ""}`, {
      hint: 'Check the path: the data is a JSON Lines file, one {"text": "..."} or {"prompt": "...", "completion": "..."} per line.',
      context: { dataPath, code },
      cause: error,
    });
  }
  decode(new Uint8Array(0), false); // the file ends inside a character
}
