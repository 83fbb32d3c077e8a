import { describe, expect, it } from "vitest";
import { anchorRepeats } from "../../src/consolidate/training-examples.js";

describe("anchorRepeats", () => {
  it("keeps one copy where the anchors are already the share wanted", () => {
    // A 12-fact run: 12 memory lines + 24 recall pairs, 19 anchors = 0.35 of 55.
    expect(anchorRepeats(19, 36, 0.3)).toBe(1);
    expect(anchorRepeats(19, 0, 0.3)).toBe(1);
  });

  it("repeats them in a large run until they are at least the share", () => {
    // A 50-fact run: 150 unit examples; 4 copies = 76 anchors = 0.34 of 226.
    const repeats = anchorRepeats(19, 150, 0.3);
    expect(repeats).toBe(4);
    expect((19 * repeats) / (19 * repeats + 150)).toBeGreaterThanOrEqual(0.3);
    expect((19 * (repeats - 1)) / (19 * (repeats - 1) + 150)).toBeLessThan(0.3);
  });

  it("treats a zero share as once", () => {
    expect(anchorRepeats(19, 1000, 0)).toBe(1);
  });
});
