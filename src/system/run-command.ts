import { spawn } from "node:child_process";
import { SealError } from "../errors.js";

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Called with each complete line of stdout/stderr as it arrives (for progress). */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Called with the child's pid right after it started, before it has done any work (e.g. to lower its priority). */
  onSpawn?: (pid: number) => void;
}

export interface RunCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Raised by runCommand when the executable itself is missing (ENOENT), as distinct from failing. */
export class CommandNotFoundError extends Error {
  override readonly name = "CommandNotFoundError";
  constructor(readonly command: string) {
    super(`${command}: command not found`);
  }
}

/**
 * Runs a program without a shell (no quoting pitfalls), collecting its output. A non-zero exit is a
 * result, not an exception: callers map it to the coded error that fits their context.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<RunCommandResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new SealError("ABORTED", `Aborted before running ${command}`, { cause: options.signal.reason }));
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      signal: options.signal,
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const chunks = { stdout: [] as string[], stderr: [] as string[] };
    const partial = { stdout: "", stderr: "" };
    for (const stream of ["stdout", "stderr"] as const) {
      child[stream].setEncoding("utf8");
      child[stream].on("data", (text: string) => {
        chunks[stream].push(text);
        if (!options.onLine) return;
        const lines = (partial[stream] + text).split("\n");
        partial[stream] = lines.pop() ?? "";
        for (const line of lines) options.onLine(line, stream);
      });
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") reject(new CommandNotFoundError(command));
      // An abort sends SIGTERM; wait for the program to exit (and clean up) before reporting it.
      else if (error.name !== "AbortError") reject(error);
    });
    child.on("close", (code, signal) => {
      if (options.onLine) {
        for (const stream of ["stdout", "stderr"] as const) if (partial[stream]) options.onLine(partial[stream], stream);
      }
      if (options.signal?.aborted) {
        reject(new SealError("ABORTED", `${command} was aborted`, { cause: options.signal.reason }));
        return;
      }
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: chunks.stdout.join(""), stderr: chunks.stderr.join("") });
    });
  });
}
