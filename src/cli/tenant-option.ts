import { SealError } from "../errors.js";
import { namespaceKey, type Namespace } from "../store/tenants.js";

const TENANT_HINT = '--tenant takes a namespace path: "user-42", "user-42/agent" or "user-42/agent/session-1" (parts split on "/").';

/**
 * `--tenant user/agent/session`: the namespace path split on "/", checked as the store checks a
 * namespace (1-128 characters a part, at most 8 parts). Undefined when the flag is absent and not
 * `required`; a missing required tenant is TENANT_INVALID with the command's usage.
 */
export function parseTenantOption(raw: string | boolean | undefined, options: { required: true; usage: string }): Namespace;
export function parseTenantOption(raw: string | boolean | undefined, options?: { required?: false; usage?: string }): Namespace | undefined;
export function parseTenantOption(raw: string | boolean | undefined, options: { required?: boolean; usage?: string } = {}): Namespace | undefined {
  if (raw === undefined) {
    if (!options.required) return undefined;
    throw new SealError("TENANT_INVALID", "This command needs --tenant", { hint: options.usage ? `usage: ${options.usage}` : TENANT_HINT });
  }
  if (typeof raw !== "string" || !raw.trim()) throw new SealError("TENANT_INVALID", "--tenant needs a value", { hint: TENANT_HINT });
  const namespace = raw.split("/");
  try {
    namespaceKey(namespace);
  } catch (error) {
    if (!SealError.isInstance(error)) throw error;
    throw new SealError("TENANT_INVALID", `--tenant "${raw}": ${error.message}`, { hint: TENANT_HINT, context: { tenant: raw } });
  }
  return namespace;
}

/** The namespace as the user writes it (and as the store keys it). */
export const tenantLabel = (namespace: Namespace): string => namespace.join("/");
