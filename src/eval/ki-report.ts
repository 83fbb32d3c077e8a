import type { KiPassageResult } from "./ki-passage-run.js";

export interface KiConditionSummary {
  condition: string;
  passages: number;
  questions: number;
  /** Share of answers containing the normalized gold answer, with a 95% bootstrap interval. */
  accuracy: number;
  accuracyLow: number;
  accuracyHigh: number;
  f1: number;
  /** Mean over questions of log P(gold) under this condition minus under the base model. */
  logProbGain: number;
  /** Mean log P(gold) (natural log). */
  meanGoldLogProb: number;
  secondsPerPassage: number;
  /** `rag` only: share of questions whose retrieved passage was the right one. */
  retrievalHitRate?: number;
}

/** Summaries in the order the conditions were given. Bootstrap resamples questions (seeded). */
export function summarize(results: readonly KiPassageResult[], conditionOrder: readonly string[], resamples = 2000): KiConditionSummary[] {
  const baseByQuestion = new Map<string, number>();
  for (const result of results) {
    if (result.condition !== "base") continue;
    result.answers.forEach((answer, index) => baseByQuestion.set(`${result.passageId}#${index}`, answer.goldLogProb));
  }
  return conditionOrder.flatMap((condition) => {
    const rows = results.filter((result) => result.condition === condition);
    if (rows.length === 0) return [];
    const answers = rows.flatMap((row) => row.answers.map((answer, index) => ({ ...answer, key: `${row.passageId}#${index}` })));
    const correct = answers.map((answer) => (answer.correct ? 1 : 0));
    const [low, high] = bootstrapInterval(correct, resamples);
    const gains = answers.flatMap((answer) => {
      const base = baseByQuestion.get(answer.key);
      return base === undefined ? [] : [answer.goldLogProb - base];
    });
    const retrieved = rows.flatMap((row) => row.retrievedRight ?? []);
    return [
      {
        condition,
        passages: rows.length,
        questions: answers.length,
        accuracy: mean(correct),
        accuracyLow: low,
        accuracyHigh: high,
        f1: mean(answers.map((answer) => answer.f1)),
        logProbGain: mean(gains),
        meanGoldLogProb: mean(answers.map((answer) => answer.goldLogProb)),
        secondsPerPassage: mean(rows.map((row) => row.seconds)),
        ...(retrieved.length ? { retrievalHitRate: mean(retrieved.map((hit) => (hit ? 1 : 0))) } : {}),
      },
    ];
  });
}

export function markdownTable(summaries: readonly KiConditionSummary[]): string {
  const lines = [
    "| condition | passages | questions | accuracy % (95% CI) | F1 % | log P(answer) gain vs base | mean log P(answer) | s / passage |",
    "|---|---:|---:|---|---:|---:|---:|---:|",
  ];
  for (const row of summaries) {
    const extra = row.retrievalHitRate === undefined ? "" : ` (retrieved the right passage for ${(100 * row.retrievalHitRate).toFixed(0)}%)`;
    lines.push(
      `| ${row.condition}${extra} | ${row.passages} | ${row.questions} | ${pct(row.accuracy)} (${pct(row.accuracyLow)}–${pct(row.accuracyHigh)}) | ${pct(row.f1)} | ${row.logProbGain >= 0 ? "+" : ""}${row.logProbGain.toFixed(2)} | ${row.meanGoldLogProb.toFixed(2)} | ${row.secondsPerPassage.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

/** Two bar panels (accuracy with its interval; log-probability gain), as a standalone SVG. */
export function barChartSvg(summaries: readonly KiConditionSummary[], title: string): string {
  const barWidth = 56;
  const gap = 24;
  const panelHeight = 220;
  const left = 60;
  const width = left + summaries.length * (barWidth + gap) + 20;
  const height = 2 * panelHeight + 140;
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  const panel = (top: number, label: string, values: number[], low: number[] | undefined, high: number[] | undefined, format: (value: number) => string) => {
    const maxValue = Math.max(1e-9, ...values.map(Math.abs), ...(high ?? []).map(Math.abs));
    const hasNegative = values.some((value) => value < 0);
    const zeroY = hasNegative ? top + panelHeight / 2 : top + panelHeight;
    const scale = (hasNegative ? panelHeight / 2 : panelHeight) / maxValue;
    parts.push(`<text x="${left}" y="${top - 10}" font-weight="bold">${escape(label)}</text>`);
    parts.push(`<line x1="${left - 5}" y1="${zeroY}" x2="${width - 10}" y2="${zeroY}" stroke="#333"/>`);
    values.forEach((value, index) => {
      const x = left + index * (barWidth + gap);
      const y = value >= 0 ? zeroY - value * scale : zeroY;
      parts.push(`<rect x="${x}" y="${y.toFixed(1)}" width="${barWidth}" height="${Math.abs(value * scale).toFixed(1)}" fill="${index === 0 ? "#999" : "#3b6ea5"}"/>`);
      if (low && high) {
        const cx = x + barWidth / 2;
        parts.push(`<line x1="${cx}" y1="${(zeroY - (high[index] as number) * scale).toFixed(1)}" x2="${cx}" y2="${(zeroY - (low[index] as number) * scale).toFixed(1)}" stroke="black"/>`);
      }
      parts.push(`<text x="${x + barWidth / 2}" y="${(value >= 0 ? y - 4 : y + Math.abs(value * scale) + 14).toFixed(1)}" text-anchor="middle">${escape(format(value))}</text>`);
    });
  };
  panel(60, "accuracy % (answer contains the gold answer; whiskers: 95% bootstrap CI)", summaries.map((row) => 100 * row.accuracy), summaries.map((row) => 100 * row.accuracyLow), summaries.map((row) => 100 * row.accuracyHigh), (value) => value.toFixed(1));
  panel(60 + panelHeight + 60, "mean log P(gold answer) gain vs base (nats)", summaries.map((row) => row.logProbGain), undefined, undefined, (value) => value.toFixed(2));
  summaries.forEach((row, index) => {
    const x = left + index * (barWidth + gap) + barWidth / 2;
    parts.push(`<text x="${x}" y="${height - 50}" text-anchor="end" transform="rotate(-30 ${x} ${height - 50})">${escape(row.condition)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/** Percentile interval of the mean over `resamples` bootstrap samples (a fixed-seed generator). */
export function bootstrapInterval(values: readonly number[], resamples: number, seed = 12345): [number, number] {
  if (values.length === 0) return [0, 0];
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)] as number;
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * (resamples - 1))] as number, means[Math.ceil(0.975 * (resamples - 1))] as number];
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function pct(value: number): string {
  return (100 * value).toFixed(1);
}
