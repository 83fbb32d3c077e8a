import type { GbnfJsonSchema } from "node-llama-cpp";

// The JSON Schema keywords node-llama-cpp's grammar generator understands. Others (titles,
// $schema, numeric bounds) are dropped: they would be ignored or rejected, and the grammar only
// needs the shape.
const KEPT_KEYWORDS = new Set([
  "type", "properties", "required", "items", "prefixItems", "enum", "const", "oneOf", "description",
  "minItems", "maxItems", "minLength", "maxLength", "additionalProperties", "format",
]);
const SUPPORTED_FORMATS = new Set(["date-time", "time", "date"]);

/** Reduces a tool's JSON Schema (as zod-to-json-schema writes it) to what a GBNF grammar can enforce. */
export function toGrammarSchema(schema: unknown): GbnfJsonSchema {
  if (schema === null || typeof schema !== "object") return { type: "string" };
  const source = schema as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "anyOf") result.oneOf = (value as unknown[]).map(toGrammarSchema);
    else if (!KEPT_KEYWORDS.has(key)) continue;
    else if (key === "properties") {
      result.properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, toGrammarSchema(sub)]));
    } else if (key === "items") result.items = toGrammarSchema(value);
    else if (key === "oneOf" || key === "prefixItems") result[key] = (value as unknown[]).map(toGrammarSchema);
    else if (key === "additionalProperties") result.additionalProperties = typeof value === "boolean" ? value : toGrammarSchema(value);
    else if (key === "format") {
      if (SUPPORTED_FORMATS.has(String(value))) result.format = value;
    } else result[key] = value;
  }
  if (result.type === "object" && result.properties === undefined) result.properties = {};
  if (result.type === undefined && result.enum === undefined && result.const === undefined && result.oneOf === undefined) {
    return { type: ["string", "number", "boolean", "null"] } as GbnfJsonSchema;
  }
  return result as GbnfJsonSchema;
}
