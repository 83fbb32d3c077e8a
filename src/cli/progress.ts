/**
 * Progress for long commands: a redrawn bar on an interactive terminal, plain lines elsewhere
 * (CI logs, pipes), and nothing under --json, where stdout belongs to the machine-readable result.
 */
export interface ProgressOutput {
  update(label: string, fraction?: number): void;
  line(text: string): void;
  done(): void;
}

export function createProgress(options: { json: boolean; stream?: NodeJS.WriteStream }): ProgressOutput {
  const stream = options.stream ?? process.stderr;
  if (options.json) return { update: () => undefined, line: () => undefined, done: () => undefined };
  const interactive = stream.isTTY === true && !process.env.CI;
  let lastPlain = "";
  let drawn = false;
  return {
    update(label, fraction) {
      if (interactive) {
        const width = 24;
        const bar = fraction === undefined ? "" : `[${"#".repeat(Math.round(fraction * width)).padEnd(width, ".")}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
        stream.write(`\r\x1b[2K${bar}${label}`.slice(0, (stream.columns ?? 100) + 8));
        drawn = true;
        return;
      }
      // Plain output: a line per 10% step when the work is measured, else per new label; never per byte.
      const step = fraction === undefined ? "" : ` ${Math.floor(fraction * 10) * 10}%`;
      const key = fraction === undefined ? label : step;
      if (key !== lastPlain) stream.write(`${label}${step}\n`);
      lastPlain = key;
    },
    line(text) {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
      stream.write(`${text}\n`);
    },
    done() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}

/**
 * `onNativeBuild` for a command: the build's fractions as a bar, its announcement as a line, or,
 * where stdout carries JSON lines (`jsonLines`), as a `{"type":"native-build"}` line.
 */
export function nativeBuildReporter(progress: ProgressOutput, jsonLines = false): (message: string, fraction?: number) => void {
  return (message, fraction) => {
    if (fraction !== undefined) progress.update(`native: ${message}`, fraction);
    else if (jsonLines) process.stdout.write(`${JSON.stringify({ type: "native-build", message })}\n`);
    else progress.line(message);
  };
}
