import { afterEach, describe, expect, it, vi } from "vitest";
import { SealError } from "../../src/errors.js";
import { reportError } from "../../src/cli/report-error.js";

function capture(stream: NodeJS.WriteStream): () => string {
  const chunks: string[] = [];
  vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return () => chunks.join("");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("reportError", () => {
  it("prints the error's own hint", () => {
    const stderr = capture(process.stderr);
    expect(reportError(new SealError("INVALID_OPTIONS", "bad", { hint: "do this" }), false, "fallback")).toBe(1);
    expect(stderr()).toBe("error INVALID_OPTIONS: bad\nhint: do this\n");
  });

  it("prints the fallback hint when the error has none, as text and as JSON", () => {
    const stderr = capture(process.stderr);
    reportError(new SealError("INVALID_OPTIONS", "bad"), false, "run `seal train --help`");
    expect(stderr()).toBe("error INVALID_OPTIONS: bad\nhint: run `seal train --help`\n");
    const stdout = capture(process.stdout);
    reportError(new SealError("INVALID_OPTIONS", "bad"), true, "run `seal train --help`");
    expect(JSON.parse(stdout())).toMatchObject({ ok: false, error: { code: "INVALID_OPTIONS", hint: "run `seal train --help`" } });
  });

  it("always has a hint line, even without a fallback", () => {
    const stderr = capture(process.stderr);
    reportError(new SealError("INVALID_OPTIONS", "bad"), false);
    expect(stderr()).toMatch(/^hint: \S/m);
  });

  it("gives an unexpected (non-SealError) error a hint line too", () => {
    const stderr = capture(process.stderr);
    expect(reportError(new Error("boom"), false)).toBe(2);
    expect(stderr()).toMatch(/^error INTERNAL: boom$/m);
    expect(stderr()).toMatch(/^hint: \S/m);
  });
});
