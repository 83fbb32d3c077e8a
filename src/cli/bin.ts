#!/usr/bin/env node
import { parseArgs } from "node:util";
import { SealError } from "../errors.js";
import type { Command } from "./command.js";
import { adaptersCommand } from "./commands/adapters.js";
import { adaptersRollbackCommand } from "./commands/adapters-rollback.js";
import { askCommand } from "./commands/ask.js";
import { auditCommand } from "./commands/audit.js";
import { benchKiCommand } from "./commands/bench-ki.js";
import { consolidateCommand } from "./commands/consolidate.js";
import { memoriesForgetCommand } from "./commands/memories-forget.js";
import { memoriesImportCommand } from "./commands/memories-import.js";
import { memoriesListCommand } from "./commands/memories-list.js";
import { memoriesShowCommand } from "./commands/memories-show.js";
import { modelInfoCommand } from "./commands/model-info.js";
import { modelPullCommand } from "./commands/model-pull.js";
import { nativeBuildCommand } from "./commands/native-build.js";
import { reviewCommand } from "./commands/review.js";
import { reviewApproveCommand } from "./commands/review-approve.js";
import { reviewRejectCommand } from "./commands/review-reject.js";
import { reviewShowCommand } from "./commands/review-show.js";
import { scheduleCommand } from "./commands/schedule.js";
import { trainCommand } from "./commands/train.js";
import { commandHelp, overallUsage, wantsHelp } from "./help.js";
import { joinNegativeValues } from "./negative-values.js";
import { reportError } from "./report-error.js";
import { packageVersion } from "./version.js";

const commands: Command[] = [
  modelPullCommand,
  modelInfoCommand,
  nativeBuildCommand,
  trainCommand,
  benchKiCommand,
  // Consolidation and review: every one takes --store (or SEAL_STORE) and --json.
  consolidateCommand,
  scheduleCommand,
  reviewCommand,
  reviewShowCommand,
  reviewApproveCommand,
  reviewRejectCommand,
  adaptersCommand,
  adaptersRollbackCommand,
  memoriesListCommand,
  memoriesShowCommand,
  memoriesImportCommand,
  memoriesForgetCommand,
  askCommand,
  auditCommand,
];

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(overallUsage(commands));
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Commands are one or two words ("model pull"); the longest match wins.
  const command = commands
    .filter((candidate) => candidate.name.split(" ").every((word, index) => argv[index] === word))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!command) {
    // `seal model --help`: the commands of that group.
    const group = commands.filter((candidate) => candidate.name.split(" ")[0] === argv[0]);
    if (group.length > 0 && wantsHelp(argv.slice(1))) {
      process.stdout.write(overallUsage(group));
      return 0;
    }
    // `seal memories` or `seal memories frobnicate`: name the group's commands.
    const hint = group.length > 0 ? `\`seal ${argv[0]}\` takes ${group.map((candidate) => candidate.name.split(" ").slice(1).join(" ")).join(", ")}; run \`seal ${argv[0]} --help\`` : "run `seal --help`";
    process.stderr.write(`error UNKNOWN_COMMAND: unknown command "${argv.slice(0, 2).join(" ")}"\nhint: ${hint}\n`);
    return 1;
  }
  const rest = joinNegativeValues(argv.slice(command.name.split(" ").length), command.options);
  // Help wins over everything else on the line, even flags that would not parse.
  if (wantsHelp(rest)) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
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
    return reportError(error, json, `run \`seal ${command.name} --help\``);
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
