import { describe, expect, it } from "vitest";
import { consolidationSettingsSchema } from "../../src/consolidate/consolidation-settings.js";
import { gateVerdict } from "../../src/consolidate/gate/gate-verdict.js";

const GATE = consolidationSettingsSchema.parse({}).gate;
const right = { answer: "Pumbleton", correct: true, logProb: -0.5 };
const wrong = { answer: "Rex", correct: false, logProb: -6 };
const fresh = (candidate: typeof right, reference: typeof right, trained = false) => ({ role: "new" as const, trained, candidate, reference });
const kept = (candidate: typeof right, reference: typeof right) => ({ role: "retained" as const, trained: false, candidate, reference });
const calm = { drift: 0.2, prompts: 12 };
const tools = (ok: number) => ({ ok, total: 8 });

describe("gateVerdict", () => {
  it("passes a candidate that learnt, kept the old memories, did not drift and still calls tools", () => {
    const report = gateVerdict([fresh(right, wrong), fresh(right, wrong), kept(right, right)], calm, tools(7), tools(7), 1, GATE);
    expect(report).toMatchObject({ passed: true, failures: [], reference: 1 });
    expect(report.gain).toMatchObject({ probes: 2, candidateAccuracy: 1, referenceAccuracy: 0, gain: 1 });
    expect(report.retention).toMatchObject({ probes: 1, share: 1 });
    expect(report.thresholds).toEqual({ minGain: 0.25, minRetention: 0.8, maxDrift: 0.6, maxToolCallLoss: 1 });
  });

  it("names every threshold that fails", () => {
    const report = gateVerdict([fresh(wrong, wrong), kept(wrong, right)], { drift: 7.35, prompts: 12 }, tools(0), tools(7), 1, GATE);
    expect(report.passed).toBe(false);
    expect(report.failures).toEqual(["gain 0.00 is below 0.25", "retention 0.00 is below 0.8", "drift 7.350 is above 0.6", "tool calls 0/8, the base model made 7 (at most 1 fewer)"]);
  });

  it("tolerates one lost tool call of eight, not two", () => {
    const scored = [fresh(right, wrong)];
    expect(gateVerdict(scored, calm, tools(6), tools(7), 0, GATE).passed).toBe(true);
    expect(gateVerdict(scored, calm, tools(5), tools(7), 0, GATE).failures).toEqual(["tool calls 5/8, the base model made 7 (at most 1 fewer)"]);
    expect(gateVerdict(scored, calm, tools(6), tools(7), 0, { ...GATE, maxToolCallLoss: 0 }).passed).toBe(false);
  });

  it("scores only probes that were not training data, and a full retrain with nothing new on retention and drift alone", () => {
    const report = gateVerdict([fresh(right, wrong, true), fresh(wrong, wrong)], calm, tools(7), tools(7), 0, GATE);
    expect(report.trainedProbesSkipped).toBe(1);
    expect(report.gain).toMatchObject({ probes: 1, gain: 0 });
    expect(report.failures).toEqual(["gain 0.00 is below 0.25"]);
    expect(gateVerdict([kept(right, right)], calm, tools(7), tools(7), 2, GATE).passed).toBe(true);
  });

  it("counts retention as a share of what the reference knew", () => {
    const report = gateVerdict([kept(right, right), kept(right, right), kept(wrong, right), kept(wrong, wrong)], calm, tools(7), tools(7), 1, GATE);
    expect(report.retention).toMatchObject({ probes: 4, candidateAccuracy: 0.5, referenceAccuracy: 0.75 });
    expect(report.retention.share).toBeCloseTo(2 / 3);
    expect(report.failures).toEqual(["retention 0.67 is below 0.8"]);
  });
});
