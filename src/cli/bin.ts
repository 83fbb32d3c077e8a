#!/usr/bin/env node
import { parseArgs } from "node:util";
import { SealError } from "../errors.js";
import type { Command } from "./command.js";
import { benchKiCommand } from "./commands/bench-ki.js";
import { modelInfoCommand } from "./commands/model-info.js";
import { modelPullCommand } from "./commands/model-pull.js";
import { nativeBuildCommand } from "./commands/native-build.js";
import { trainCommand } from "./commands/train.js";
import { reportError } from "./report-error.js";

const commands: Command[] = [modelPullCommand, modelInfoCommand, nativeBuildCommand, trainCommand, benchKiCommand];

function usage(): string {
  const lines = commands.map((command) => `  ${command.usage.padEnd(64)} ${command.summary}`);
  return `seal: hybrid memory for local LangChain agents\n\nCommands:\n${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(usage());
    return argv.length === 0 ? 1 : 0;
  }
  // Commands are one or two words ("model pull"); the longest match wins.
  const command = commands
    .filter((candidate) => candidate.name.split(" ").every((word, index) => argv[index] === word))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!command) {
    process.stderr.write(`error UNKNOWN_COMMAND: unknown command "${argv.slice(0, 2).join(" ")}"\nhint: run \`seal --help\`\n`);
    return 1;
  }
  const rest = argv.slice(command.name.split(" ").length);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new SealError("INVALID_OPTIONS", (error as Error).message, { hint: `usage: ${command.usage}` });
    }
    return await command.run({ values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals, signal: controller.signal });
  } catch (error) {
    return reportError(error, json);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

// Exit explicitly: a model-hub request that never answers must not keep the CLI alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error, false)),
);
