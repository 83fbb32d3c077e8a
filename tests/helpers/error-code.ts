import { SealError } from "../../src/errors.js";

/** The SealError code a promise rejects with (a readable message when it rejects otherwise). */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  return SealError.isInstance(error) ? error.code : `not a SealError: ${String(error)}`;
}
