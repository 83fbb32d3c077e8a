import type Database from "better-sqlite3";
import { manifestOf } from "../store/adapter-versions.js";
import { unitMemoryIds } from "../store/consolidation-content.js";

/**
 * The units of a version that can be trained on again: every memory in them is still active (a
 * forgotten or superseded memory's unit is not replayed; its other memories are selected afresh).
 */
export function replayableUnits(db: Database.Database, versionId: number, isActive: (memoryId: number) => boolean): Array<{ unitId: number; memoryIds: number[] }> {
  const unitIds = [...new Set(manifestOf(db, versionId).map((entry) => entry.unitId))].sort((a, b) => a - b);
  return unitIds.flatMap((unitId) => {
    const memoryIds = unitMemoryIds(db, unitId);
    return memoryIds.length > 0 && memoryIds.every(isActive) ? [{ unitId, memoryIds }] : [];
  });
}

/** The first `share` of the units in a seeded order: which units a run replays is reproducible. */
export function pickReplay<T>(units: readonly T[], share: number, seed: number): T[] {
  const count = Math.ceil(units.length * share);
  if (count >= units.length) return [...units];
  const order = units.map((unit, index) => ({ unit, key: hash(seed, index) })).sort((a, b) => a.key - b.key);
  return order.slice(0, count).map((entry) => entry.unit);
}

function hash(seed: number, index: number): number {
  let x = (seed * 2654435761 + index * 40503) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507) >>> 0;
  x ^= x >>> 13;
  return x;
}
