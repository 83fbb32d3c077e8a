import type { Command } from "./command.js";

const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Joins a string flag and a negative number after it (`--lr -1` -> `--lr=-1`). parseArgs reads a
 * value that starts with "-" as a possible flag and refuses it as "ambiguous"; joined, the value
 * reaches the real validation, which says what is wrong with it ("--lr: must be greater than 0").
 * Only numbers are joined, so `--lr --out x` is still reported as a missing value.
 */
export function joinNegativeValues(args: readonly string[], options: Command["options"]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") return [...out, ...args.slice(i)];
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === "string" && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
