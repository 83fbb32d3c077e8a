import { describe, expect, it } from "vitest";
import { AdapterSwitcher, type AdapterFileIdentity } from "../../src/model/adapter-switcher.js";
import { versionedAdapterFileName, type AdapterSpec } from "../../src/model/adapter-spec.js";
import { SealError } from "../../src/errors.js";

// The switcher's bookkeeping with plain objects standing in for llama.cpp contexts: these tests
// check ordering and lifetimes, which do not depend on what a context computes.
class RecordingContext {
  disposed = false;
  constructor(readonly adapters: readonly AdapterSpec[], readonly id: number) {}
  async dispose(): Promise<void> {
    if (this.disposed) throw new Error(`context ${this.id} disposed twice`);
    this.disposed = true;
  }
}

function makeSwitcher(options: { failFor?: string; files?: Map<string, AdapterFileIdentity> } = {}) {
  const created: RecordingContext[] = [];
  const files = options.files ?? new Map<string, AdapterFileIdentity>();
  const switcher = new AdapterSwitcher<RecordingContext>({
    createContext: async (adapters) => {
      if (adapters.some((adapter) => adapter.filePath === options.failFor)) throw new Error("bad adapter");
      const context = new RecordingContext(adapters, created.length);
      created.push(context);
      return context;
    },
    identifyFile: async (filePath) => files.get(filePath) ?? { sizeBytes: 1, modifiedMs: 1 },
  });
  return { switcher, created, files };
}

describe("AdapterSwitcher", () => {
  it("creates the base context lazily and reuses it", async () => {
    const { switcher, created } = makeSwitcher();
    const first = await switcher.acquire();
    const second = await switcher.acquire();
    expect(created).toHaveLength(1);
    expect(first.context).toBe(second.context);
    expect(first.adapters).toEqual([]);
    await first.release();
    await second.release();
  });

  it("switches by creating the new context first and disposing the old one", async () => {
    const { switcher, created } = makeSwitcher();
    await switcher.switchTo([]);
    await switcher.switchTo([{ filePath: "/a.v0001.gguf" }]);
    expect(created).toHaveLength(2);
    expect(created[0]?.disposed).toBe(true);
    expect(created[1]?.disposed).toBe(false);
    expect(switcher.activeAdapters).toEqual([{ filePath: "/a.v0001.gguf" }]);
    expect(switcher.generation).toBe(2);
  });

  it("is a no-op when the adapter set does not change (scale defaults to 1)", async () => {
    const { switcher, created } = makeSwitcher();
    await switcher.switchTo([{ filePath: "/a.gguf" }]);
    await switcher.switchTo([{ filePath: "/a.gguf", scale: 1 }]);
    expect(created).toHaveLength(1);
    await switcher.switchTo([{ filePath: "/a.gguf", scale: 0.5 }]);
    expect(created).toHaveLength(2);
  });

  it("keeps a leased context alive until its lease is released", async () => {
    const { switcher, created } = makeSwitcher();
    const lease = await switcher.acquire();
    await switcher.switchTo([{ filePath: "/a.gguf" }]);
    expect(created[0]?.disposed).toBe(false);
    expect(lease.context).toBe(created[0]);
    await lease.release();
    expect(created[0]?.disposed).toBe(true);
    await lease.release(); // releasing twice is harmless
    const next = await switcher.acquire();
    expect(next.context).toBe(created[1]);
    expect(next.generation).toBe(2);
    await next.release();
  });

  it("leaves the old adapters active when a switch fails", async () => {
    const { switcher, created } = makeSwitcher({ failFor: "/broken.gguf" });
    await switcher.switchTo([{ filePath: "/good.gguf" }]);
    await expect(switcher.switchTo([{ filePath: "/broken.gguf" }])).rejects.toThrow("bad adapter");
    expect(switcher.activeAdapters).toEqual([{ filePath: "/good.gguf" }]);
    expect(created[0]?.disposed).toBe(false);
    // and the switcher still works afterwards
    await switcher.switchTo([]);
    expect(created[0]?.disposed).toBe(true);
  });

  it("runs concurrent switches one at a time, ending on the last requested set", async () => {
    const { switcher, created } = makeSwitcher();
    await Promise.all([switcher.switchTo([{ filePath: "/1.gguf" }]), switcher.switchTo([{ filePath: "/2.gguf" }]), switcher.switchTo([{ filePath: "/3.gguf" }])]);
    expect(switcher.activeAdapters).toEqual([{ filePath: "/3.gguf" }]);
    expect(created.filter((context) => !context.disposed)).toHaveLength(1);
  });

  it("refuses an adapter file rewritten in place (the runtime caches adapters by path)", async () => {
    const files = new Map<string, AdapterFileIdentity>([["/a.gguf", { sizeBytes: 10, modifiedMs: 100 }]]);
    const { switcher } = makeSwitcher({ files });
    await switcher.switchTo([{ filePath: "/a.gguf" }]);
    await switcher.switchTo([]);
    files.set("/a.gguf", { sizeBytes: 10, modifiedMs: 200 });
    const error = await switcher.switchTo([{ filePath: "/a.gguf" }]).catch((caught: unknown) => caught);
    expect(SealError.isInstance(error) && error.code).toBe("ADAPTER_INVALID");
  });

  it("disposes the active context once and refuses use afterwards", async () => {
    const { switcher, created } = makeSwitcher();
    await switcher.switchTo([]);
    await switcher.dispose();
    await switcher.dispose();
    expect(created[0]?.disposed).toBe(true);
    await expect(switcher.acquire()).rejects.toMatchObject({ code: "DISPOSED" });
  });
});

describe("versionedAdapterFileName", () => {
  it("pads the version so names sort in order", () => {
    expect(versionedAdapterFileName("tenant-a", 3)).toBe("tenant-a.v0003.gguf");
    expect([versionedAdapterFileName("x", 10), versionedAdapterFileName("x", 9)].sort()).toEqual(["x.v0009.gguf", "x.v0010.gguf"]);
  });

  it("rejects names that could escape a folder, and bad versions", () => {
    expect(() => versionedAdapterFileName("../evil", 1)).toThrow(TypeError);
    expect(() => versionedAdapterFileName("ok", 0)).toThrow(RangeError);
  });
});

describe("AdapterSwitcher initial adapters", () => {
  it("applies them on first use, and a bad one fails that use instead of being dropped", async () => {
    const created: string[][] = [];
    const switcher = new AdapterSwitcher({
      createContext: async (adapters) => {
        if (adapters.some((adapter) => adapter.filePath === "/bad.gguf")) throw new Error("bad adapter");
        created.push(adapters.map((adapter) => adapter.filePath));
        return { dispose: async () => undefined };
      },
      identifyFile: async () => ({ sizeBytes: 1, modifiedMs: 1 }),
      initialAdapters: [{ filePath: "/bad.gguf" }],
    });
    expect(switcher.activeAdapters).toEqual([{ filePath: "/bad.gguf" }]);
    await expect(switcher.acquire()).rejects.toThrow("bad adapter");
    expect(created).toEqual([]);
  });
});
