import type { z } from "zod";
import { SealError } from "../errors.js";

/**
 * Validates an options object against its schema. A misspelled or wrongly typed option is a
 * programming error, so it is reported with the option's path and the function's name.
 */
export function parseOptions<Schema extends z.ZodTypeAny>(schema: Schema, value: unknown, functionName: string): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(options)"}: ${issue.message}`);
  throw new SealError("INVALID_OPTIONS", `Invalid options for ${functionName}: ${issues.join("; ")}`, {
    hint: "See the option documentation in the README.",
    context: { issues },
  });
}
