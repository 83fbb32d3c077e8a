import { describe, expect, it } from "vitest";
import { SealError } from "../../src/errors.js";
import { parseOptions } from "../../src/config/parse-options.js";
import { ensureModelOptionsSchema } from "../../src/model/pull/ensure-model.js";

describe("SealError", () => {
  it("carries code, hint, context and cause, and serialises them", () => {
    const cause = new Error("inner");
    const error = new SealError("MODEL_NOT_FOUND", "no model", { hint: "pull it", context: { path: "/x" }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("MODEL_NOT_FOUND");
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({ name: "SealError", code: "MODEL_NOT_FOUND", message: "no model", hint: "pull it", context: { path: "/x" } });
  });

  it("is recognised across copies by its marker, not by instanceof", () => {
    const lookalike = Object.assign(new Error("x"), { [Symbol.for("seal-memory.error")]: true });
    expect(SealError.isInstance(new SealError("ABORTED", "a"))).toBe(true);
    expect(SealError.isInstance(lookalike)).toBe(true);
    expect(SealError.isInstance(new Error("plain"))).toBe(false);
    expect(SealError.isInstance(null)).toBe(false);
  });
});

describe("parseOptions", () => {
  it("rejects a misspelled option with its name", () => {
    expect(() => parseOptions(ensureModelOptionsSchema, { modelPth: "x" }, "ensureModel")).toThrowError(/Invalid options for ensureModel: .*modelPth/);
  });

  it("rejects a wrongly typed option with INVALID_OPTIONS", () => {
    try {
      parseOptions(ensureModelOptionsSchema, { offline: "yes" }, "ensureModel");
      expect.unreachable();
    } catch (error) {
      expect(SealError.isInstance(error) && error.code).toBe("INVALID_OPTIONS");
    }
  });

  it("fills defaults", () => {
    expect(parseOptions(ensureModelOptionsSchema, {}, "ensureModel").hubStallTimeoutSeconds).toBe(30);
  });
});
