import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder, MemoryStore, startConsolidationSchedule, type ScheduleEvent, type SealRuntime } from "../../src/index.js";
import { loadDefaultRuntime } from "../../src/testing/index.js";
import { codeOf } from "../helpers/error-code.js";
import { sealBin } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

// Issue 12: the daily schedule, on the real model and trainer, with a cron expression every two
// seconds. One durable fact for tenant A keeps each real consolidation short (one epoch, no
// anchors, template probes, no tool check): the schedule is what is tested, not the learning.
const SMALL = { training: { epochs: 1 }, anchors: false, modelProbeAttempts: 0, review: "auto", gate: { toolCallCheck: false, minGain: 0 } } as const;
const EVERY_2S = "*/2 * * * * *";

let runtime: SealRuntime;
let store: MemoryStore;
let storePath: string;

beforeAll(async () => {
  runtime = await loadDefaultRuntime();
  storePath = path.join(await tempDir("seal-schedule-", "file"), "memory.db");
  store = MemoryStore.open({ path: storePath, embedder: new HashingEmbedder() });
  await store.remember(["A"], { text: "The user's neighbour Orla Quimby keeps seven beehives.", durability: "durable", confidence: 0.9 });
  await store.remember(["B"], { text: "The user is at the dentist right now.", durability: "volatile", confidence: 0.9 });
});
afterAll(async () => {
  store?.close();
  await runtime?.dispose();
});

const until = async (check: () => boolean, what: string, timeoutMs = 240_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe("consolidation schedule (issue 12)", () => {
  it("refuses an invalid cron expression or time zone with a code before anything starts (the CLI: tests/integration/cli-forget-schedule.test.ts)", async () => {
    expect(await codeOf((async () => startConsolidationSchedule(store, runtime, { cron: "61 * * * *" }))())).toBe("SCHEDULE_INVALID");
    expect(await codeOf((async () => startConsolidationSchedule(store, runtime, { cron: "0 3 * * *", timezone: "Mars/Olympus_Mons" }))())).toBe("SCHEDULE_INVALID");
  });

  it("runs two ticks that never overlap, and a second scheduler process skips the tenant the first one is consolidating", { timeout: 600_000 }, async () => {
    const events: ScheduleEvent[] = [];
    let training = false;
    const schedule = startConsolidationSchedule(store, runtime, {
      cron: EVERY_2S,
      consolidate: { settings: SMALL, onProgress: (progress) => (training ||= progress.stage === "train") },
      onEvent: (event) => events.push(event),
    });
    try {
      // While A's first run trains, under its lease, a second scheduler on the same store ticks.
      await until(() => training, "tenant A's run to reach training");
      const second = spawn(process.execPath, [sealBin, "schedule", "--cron", "* * * * * *", "--tenants", "A", "--store", storePath, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      second.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      second.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => second.on("exit", (code) => resolve(code)));
      await until(() => /"outcome":"(leased|consolidated)"/.test(output), "the second scheduler's first tick", 120_000);
      second.kill("SIGTERM");
      expect(await exited, output).toBe(0);
      const lines = output.trim().split("\n").map((line) => JSON.parse(line) as ScheduleEvent);
      expect(lines.filter((event) => event.kind === "tenant")[0], output).toMatchObject({ tenant: "A", outcome: "leased" });
      expect(lines.at(-1)?.kind).toBe("stopped");

      await until(() => schedule.ticks >= 2, "two ticks");
    } finally {
      await schedule.stop();
    }
    // Ticks never overlap: each one ends before the next begins; the two-second ticks that fell
    // during A's run were skipped and said so.
    const sequence = events.filter((event) => event.kind === "tick" || event.kind === "tick-done").map((event) => event.kind);
    for (let i = 0; i + 1 < sequence.length; i += 2) expect(sequence.slice(i, i + 2)).toEqual(["tick", "tick-done"]);
    expect(events.some((event) => event.kind === "overlap")).toBe(true);
    const outcomes = events.filter((event): event is Extract<ScheduleEvent, { kind: "tenant" }> => event.kind === "tenant");
    // First tick: A consolidated (approved by the auto policy), B's volatile memory gave an empty run.
    expect(outcomes.find((event) => event.tenant === "A"), JSON.stringify(outcomes)).toMatchObject({ outcome: "consolidated", state: "approved", version: 1 });
    expect(outcomes.find((event) => event.tenant === "B")).toMatchObject({ outcome: "consolidated", state: "empty" });
    // Second tick: nothing new for A.
    expect(outcomes.filter((event) => event.tenant === "A")[1]).toMatchObject({ outcome: "consolidated", state: "empty" });
    expect(events.at(-1)?.kind).toBe("stopped");
  });

  it("runs at start the tick that fell due while no scheduler of that expression ran", { timeout: 120_000 }, async () => {
    // The schedule above recorded its next due time when it stopped; let it pass.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const events: ScheduleEvent[] = [];
    const schedule = startConsolidationSchedule(store, runtime, { cron: "0 3 * * *", onEvent: (event) => events.push(event) });
    const restarted = startConsolidationSchedule.bind(null, store, runtime, { cron: EVERY_2S, consolidate: { settings: SMALL }, onEvent: (event) => events.push(event) });
    await schedule.stop();
    expect(events.map((event) => event.kind)).toEqual(["started", "stopped"]); // another expression has its own due time
    events.length = 0;
    const again = restarted();
    try {
      await until(() => again.ticks >= 1, "the missed tick");
      expect(events.slice(0, 3).map((event) => event.kind)).toEqual(["started", "missed", "tick"]);
      expect(events[2]).toMatchObject({ reason: "missed" });
    } finally {
      await again.stop();
    }
  });
});
