import type { ParseArgsConfig } from "node:util";

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  signal: AbortSignal;
}

/** One `seal` subcommand: its own file under commands/, registered in bin.ts. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(context: CommandContext): Promise<number>;
}
