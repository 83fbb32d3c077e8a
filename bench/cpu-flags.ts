import fs from "node:fs/promises";

/** The CPU flags in /proc/cpuinfo that `pattern` matches, each once (none where the file is missing): benchmarks record which kernels llama.cpp could pick. */
export async function cpuFlags(pattern: RegExp): Promise<string[]> {
  const line = (await fs.readFile("/proc/cpuinfo", "utf8").catch(() => "")).match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  return [...new Set(line.split(" ").filter((flag) => pattern.test(flag)))];
}
