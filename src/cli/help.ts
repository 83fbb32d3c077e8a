import type { Command } from "./command.js";

/** `seal --help`: every command with its usage and summary. */
export function overallUsage(commands: readonly Command[]): string {
  const lines = commands.map((command) => `  ${command.usage.padEnd(64)} ${command.summary}`);
  return [
    "seal: hybrid memory for local LangChain agents",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `seal <command> --help` for one command; `seal --version` prints the version.",
    "",
  ].join("\n");
}

/** `seal <command> --help`. */
export function commandHelp(command: Command): string {
  return `seal ${command.name}: ${command.summary}\n\nusage: ${command.usage}\n`;
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`), wherever it stands. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}
