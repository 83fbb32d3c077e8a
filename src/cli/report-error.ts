import { SealError } from "../errors.js";

/** Prints an error the way every seal command does (code, message, hint) and returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (SealError.isInstance(error)) {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: error.toJSON() })}\n`);
    else {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      const attempts = error.context.attempts as Array<{ route: string; outcome: string; detail: string }> | undefined;
      for (const attempt of attempts ?? []) process.stderr.write(`  tried ${attempt.route}: ${attempt.outcome} (${attempt.detail})\n`);
    }
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: "INTERNAL", message } })}\n`);
  else process.stderr.write(`error INTERNAL: ${message}\n${error instanceof Error && error.stack ? error.stack : ""}\n`);
  return 2;
}
