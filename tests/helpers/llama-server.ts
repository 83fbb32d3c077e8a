import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { ensureNativeBinary } from "../../src/train/ensure-native.js";
import { SERVER_TARGET } from "../../src/train/native-build.js";

/** llama.cpp's llama-server from the native bin folder, built on first use (several minutes once). */
export async function ensureLlamaServer(): Promise<string> {
  return ensureNativeBinary(SERVER_TARGET, { onNativeBuild: (message, fraction) => fraction === undefined && process.stderr.write(`${message}\n`) });
}

/** A TCP port nothing listens on right now (the OS picks it; it is closed again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningServer {
  port: number;
  /** The OpenAI-compatible API root. */
  baseURL: string;
  stop(): Promise<void>;
}

/** Starts llama-server on a free port with one model and waits until `/health` answers 200. */
export async function startLlamaServer(binary: string, modelPath: string, timeoutMs = 120_000): Promise<RunningServer> {
  const port = await freePort();
  // One slot and one thread: the tests send one request at a time, and CI has two cores.
  const child = spawn(binary, ["-m", modelPath, "--host", "127.0.0.1", "--port", String(port), "-c", "2048", "-t", "1", "-np", "1"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const log: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    log.push(chunk);
    if (log.length > 200) log.shift();
  });
  const stop = () => stopProcess(child);
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`, child, timeoutMs);
  } catch (error) {
    await stop();
    throw new Error(`llama-server did not become healthy: ${(error as Error).message}\n${log.join("").slice(-3000)}`);
  }
  return { port, baseURL: `http://127.0.0.1:${port}/v1`, stop };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((response) => response.status, () => 0);
    if (status === 200) return; // 503 while the model loads
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
