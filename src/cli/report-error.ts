import { SealError } from "../errors.js";

const DEFAULT_HINT = "run `seal --help`";

/**
 * Prints an error the way every seal command does (code, message, hint) and returns the exit code.
 * Every error gets a hint line: its own, else `fallbackHint` (where the command's help is).
 */
export function reportError(error: unknown, json: boolean, fallbackHint: string = DEFAULT_HINT): number {
  if (SealError.isInstance(error)) {
    const hint = error.hint ?? fallbackHint;
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { ...error.toJSON(), hint } })}\n`);
    else {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      process.stderr.write(`hint: ${hint}\n`);
      const attempts = error.context.attempts as Array<{ route: string; outcome: string; detail: string }> | undefined;
      for (const attempt of attempts ?? []) process.stderr.write(`  tried ${attempt.route}: ${attempt.outcome} (${attempt.detail})\n`);
    }
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint = "an unexpected error (a bug in seal-memory): please report it with the lines above";
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: "INTERNAL", message, hint } })}\n`);
  else process.stderr.write(`error INTERNAL: ${message}\n${error instanceof Error && error.stack ? `${error.stack}\n` : ""}hint: ${hint}\n`);
  return 2;
}
