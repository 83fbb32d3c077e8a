import { SealError } from "../errors.js";

/** The largest memory text accepted, in UTF-8 bytes, unless a store sets its own. */
export const DEFAULT_MAX_TEXT_BYTES = 8 * 1024;

/**
 * A memory's text must be a non-empty, well-formed string (no lone UTF-16 surrogates, which have
 * no UTF-8 form) of at most `maxBytes` UTF-8 bytes. Bytes are accepted only if they decode as
 * strict UTF-8. Nothing is trimmed or rewritten: what is stored is what was given.
 */
export function validateMemoryText(text: unknown, maxBytes: number): string {
  let value: string;
  if (typeof text === "string") value = text;
  else if (text instanceof Uint8Array) {
    try {
      value = new TextDecoder("utf-8", { fatal: true }).decode(text);
    } catch (error) {
      throw new SealError("MEMORY_INVALID", "The memory's bytes are not valid UTF-8", { cause: error });
    }
  } else throw new SealError("MEMORY_INVALID", `A memory's text must be a string, got ${text === null ? "null" : typeof text}`);
  if (value.trim().length === 0) throw new SealError("MEMORY_INVALID", "A memory's text is empty");
  if (/\p{Cs}/u.test(value)) throw new SealError("MEMORY_INVALID", "The memory's text is not valid Unicode (a lone surrogate): it has no UTF-8 form");
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) {
    throw new SealError("MEMORY_INVALID", `A memory's text is ${bytes} bytes; the limit is ${maxBytes} bytes of UTF-8`, {
      hint: "Split it into smaller memories, or raise maxTextBytes.",
      context: { bytes, maxBytes },
    });
  }
  return value;
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character; lone surrogates become U+FFFD. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const wellFormed = text.replace(/\p{Cs}/gu, "\uFFFD");
  if (Buffer.byteLength(wellFormed, "utf8") <= maxBytes) return wellFormed;
  let cut = Buffer.from(wellFormed, "utf8").subarray(0, maxBytes).toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1); // a character cut in half
  return cut;
}
