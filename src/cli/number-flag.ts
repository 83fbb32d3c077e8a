import { SealError } from "../errors.js";

/** A numeric command-line flag's value; anything that is not a finite number is INVALID_OPTIONS. */
export function parseNumberFlag(raw: string | boolean | undefined, flag: string): number {
  const parsed = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(parsed)) throw new SealError("INVALID_OPTIONS", `--${flag} must be a number, got "${String(raw)}"`);
  return parsed;
}
