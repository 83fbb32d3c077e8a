import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Streams a file through sha256, so a 100 MB model never sits in memory at once. */
export async function fileSha256(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
