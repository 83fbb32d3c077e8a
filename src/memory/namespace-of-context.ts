import { SealError } from "../errors.js";
import type { Namespace } from "./memory-types.js";

/** A fixed tenant, or one read from the run's context (e.g. `(context) => [context.userId]`). */
// `any` fields, so that `(context) => [context.userId]` type-checks; the result is checked at run time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NamespaceOption = Namespace | ((context: Record<string, any>) => Namespace);

/** The namespace for this run, with an error that says which context field was missing. */
export function resolveNamespace(namespace: NamespaceOption, context: unknown): Namespace {
  if (typeof namespace !== "function") return namespace;
  const fields = (context ?? {}) as Record<string, unknown>;
  const resolved = namespace(fields);
  if (!Array.isArray(resolved) || resolved.length === 0 || resolved.some((part) => typeof part !== "string" || part === "")) {
    throw new SealError("TENANT_INVALID", `The namespace function returned ${JSON.stringify(resolved)} for a context with fields [${Object.keys(fields).join(", ")}]`, {
      hint: "Pass the tenant in the run's context, e.g. agent.invoke(input, { context: { userId: \"ana\" } }), and make namespace(context) return non-empty strings.",
      context: { contextFields: Object.keys(fields) },
    });
  }
  return resolved;
}
