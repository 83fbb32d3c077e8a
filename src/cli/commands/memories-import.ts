import fs from "node:fs";
import path from "node:path";
import { SealError } from "../../errors.js";
import { defaultExtractor } from "../../memory/default-plugins.js";
import type { RememberResult } from "../../memory/memory-types.js";
import type { CommandContext } from "../command.js";
import { print, printJson, storeOptions } from "../consolidation-output.js";
import { withCliStore } from "../open-store.js";
import { createProgress } from "../progress.js";
import { parseTenantOption, tenantLabel } from "../tenant-option.js";

const USER_ROLES = new Set(["user", "human"]);
const ASSISTANT_ROLES = new Set(["assistant", "ai"]);
const LINE_HINT = 'Each line must be a JSON object {"role": "user" | "assistant" | ..., "content": "..."}; nothing was imported.';

export const memoriesImportCommand = {
  name: "memories import",
  summary: "Import a chat log (JSON Lines of {role, content}) into a tenant's memories, as the middleware would record it",
  usage: "seal memories import <chat.jsonl> --tenant T [--store <path>] [--json]",
  options: { tenant: { type: "string" }, ...storeOptions },
  async run({ values, positionals, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const tenant = parseTenantOption(values.tenant, { required: true, usage: memoriesImportCommand.usage });
    const file = positionals[0];
    if (!file) throw new SealError("INVALID_OPTIONS", "seal memories import needs a chat log file", { hint: `usage: ${memoriesImportCommand.usage}` });
    if (positionals.length > 1) throw new SealError("INVALID_OPTIONS", `Unexpected argument "${positionals[1]}": one chat log per import`, { hint: `usage: ${memoriesImportCommand.usage}` });
    // Every line is checked before anything is stored: a bad line leaves the store as it was.
    const chat = readChatLog(file);
    const exchanges = pairExchanges(chat.messages);
    const started = Date.now();
    // The entry registers the default extractor and update rules (loaded only by commands that use them).
    const seal = await import("../../index.js");
    const counts = { added: 0, updated: 0, reinforced: 0, contradicted: 0, skipped: 0 };
    const storePath = await withCliStore(values.store, { create: true, writes: true, warmEmbedder: true, signal }, async (store) => {
      // Checked before anything is stored: an import is refused whole, not stored up to a bad line.
      const tooLong = chat.messages.find((message) => Buffer.byteLength(message.content, "utf8") > store.maxEpisodeBytes);
      if (tooLong) throw lineError(file, tooLong.line, `a message of ${Buffer.byteLength(tooLong.content, "utf8")} bytes, over the ${store.maxEpisodeBytes}-byte limit of one message`);
      const progress = createProgress({ json });
      const extractor = defaultExtractor();
      for (const [index, exchange] of exchanges.entries()) {
        progress.update(`exchange ${index + 1}/${exchanges.length}`, exchanges.length ? index / exchanges.length : undefined);
        const results: RememberResult[] = await seal.rememberInteraction(store, tenant, extractor, exchange, { signal, onSkipped: () => counts.skipped++ });
        for (const result of results) {
          if (result.action === "add") counts.added++;
          else if (result.action === "update") counts.updated++;
          else if (result.action === "reinforce") counts.reinforced++;
          else counts.contradicted++;
        }
      }
      progress.done();
      return store.path;
    });
    const seconds = (Date.now() - started) / 1000;
    const summary = { store: storePath, tenant: tenantLabel(tenant), file: path.resolve(file), lines: chat.lines, messages: chat.messages.length, exchanges: exchanges.length, ignored: chat.ignored, memories: counts, seconds };
    if (json) printJson(summary);
    else {
      print(`Imported ${exchanges.length} exchanges from ${chat.lines} lines of ${file} into ${tenantLabel(tenant)} (${storePath})${chat.ignored ? `; ${chat.ignored} message${chat.ignored === 1 ? "" : "s"} of other roles ignored` : ""}.`);
      print(`  memories: ${counts.added} added, ${counts.updated} updated, ${counts.reinforced} reinforced, ${counts.contradicted} contradicting${counts.skipped ? `, ${counts.skipped} refused (invalid text)` : ""}  (${seconds.toFixed(1)} s)`);
    }
    return 0;
  },
} as const;

interface ChatMessage {
  role: "user" | "assistant";
  content: string;
  /** Its line in the file, for errors. */
  line: number;
}

const lineError = (file: string, line: number, why: string) => new SealError("MEMORY_INVALID", `${file}:${line}: ${why}; nothing was imported`, { hint: LINE_HINT, context: { file: path.resolve(file), line } });

/** Reads and checks every line; MEMORY_INVALID with `context.line` names the first bad one. */
function readChatLog(file: string): { lines: number; messages: ChatMessage[]; ignored: number } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SealError("INVALID_OPTIONS", code === "EISDIR" ? `${file} is a folder, not a chat log` : `Cannot read the chat log ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`, {
      hint: `Give the path of a JSON Lines chat log; usage: ${memoriesImportCommand.usage}`,
      context: { file },
    });
  }
  const text = decodeUtf8(file, bytes);
  const messages: ChatMessage[] = [];
  let lines = 0;
  let ignored = 0;
  const bad = (line: number, why: string) => lineError(file, line, why);
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const lineNumber = index + 1;
    if (!raw.trim()) continue;
    lines++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw bad(lineNumber, `not JSON (${(error as Error).message})`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw bad(lineNumber, "not a JSON object");
    const { role, content } = parsed as { role?: unknown; content?: unknown };
    if (typeof role !== "string" || !role.trim()) throw bad(lineNumber, '"role" must be a non-empty string');
    if (typeof content !== "string") throw bad(lineNumber, `"content" must be a string, got ${content === null ? "null" : Array.isArray(content) ? "an array" : typeof content}`);
    const normalized = role.trim().toLowerCase();
    if (USER_ROLES.has(normalized)) messages.push({ role: "user", content, line: lineNumber });
    else if (ASSISTANT_ROLES.has(normalized)) messages.push({ role: "assistant", content, line: lineNumber });
    else ignored++;
  }
  return { lines, messages, ignored };
}

/**
 * The file as UTF-8, refusing bytes that are not: decoded leniently they would become U+FFFD and
 * be stored as a changed text (or update a memory that merely looks alike).
 */
function decodeUtf8(file: string, bytes: Buffer): string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let end = bytes.indexOf(0x0a); ; end = bytes.indexOf(0x0a, start)) {
      const slice = bytes.subarray(start, end === -1 ? bytes.length : end);
      try {
        decoder.decode(slice);
      } catch {
        break;
      }
      if (end === -1) break;
      start = end + 1;
      line++;
    }
    throw lineError(file, line, "bytes that are not UTF-8 (save the file as UTF-8)");
  }
}

/** Each user message with the assistant message right after it (if any); an assistant message with no user before it is not an exchange. */
function pairExchanges(messages: readonly ChatMessage[]): Array<{ user: string; assistant?: string }> {
  const exchanges: Array<{ user: string; assistant?: string }> = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as ChatMessage;
    if (message.role !== "user") continue;
    const next = messages[i + 1];
    if (next?.role === "assistant") {
      exchanges.push({ user: message.content, assistant: next.content });
      i++;
    } else exchanges.push({ user: message.content });
  }
  return exchanges;
}
