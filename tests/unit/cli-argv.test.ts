import { describe, expect, it } from "vitest";
import { joinNegativeValues } from "../../src/cli/negative-values.js";

const options = { lr: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } } as const;

describe("joinNegativeValues", () => {
  it.each([
    [["--lr", "-1"], ["--lr=-1"]],
    [["--lr", "-1e-3", "--out", "a.gguf"], ["--lr=-1e-3", "--out", "a.gguf"]],
    [["--lr", "-.5"], ["--lr=-.5"]],
    [["--lr", "-0"], ["--lr=-0"]],
    [["data.jsonl", "--lr", "-2.5E+3"], ["data.jsonl", "--lr=-2.5E+3"]],
  ])("joins a string flag and the negative number after it: %j", (argv, expected) => {
    expect(joinNegativeValues(argv, options)).toEqual(expected);
  });

  it.each([
    [["--lr", "--out", "a.gguf"]], // a flag is not a value
    [["--lr", "-x"]], // not a number
    [["--json", "-1"]], // a boolean flag takes no value
    [["--lr=-1"]], // already joined
    [["--", "--lr", "-1"]], // after --, everything is positional
    [["--unknown", "-1"]], // parseArgs reports the unknown flag itself
  ])("leaves %j alone", (argv) => {
    expect(joinNegativeValues(argv, options)).toEqual(argv);
  });
});
