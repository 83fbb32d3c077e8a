import fs from "node:fs";
import path from "node:path";
import { packageRoot } from "../config/paths.js";

/** This package's version, from its package.json (dist/src/cli/bin.js -> ../../../package.json). */
export function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}
