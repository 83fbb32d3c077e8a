import { SealError } from "../errors.js";

/** A numeric command-line flag's value; anything that is not a finite number is INVALID_OPTIONS. */
export function parseNumberFlag(raw: string | boolean | undefined, flag: string): number {
  const parsed = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(parsed)) {
    throw new SealError("INVALID_OPTIONS", `--${flag} must be a number, got "${String(raw)}"`, {
      hint: `Give --${flag} a number, written as in 3, 0.5 or 1e-4.`,
      context: { flag, value: raw },
    });
  }
  return parsed;
}
