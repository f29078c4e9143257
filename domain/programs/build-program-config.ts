import { ProgramConfigSchema, type ProgramConfig } from "./program-config";
import { presets, type PresetName } from "./presets";

export type ConfigIssue = { path: string; message: string };
export type BuildResult = { ok: true; config: ProgramConfig } | { ok: false; issues: ConfigIssue[] };

/** Overrides merge into the preset object by object; arrays and scalars replace whole. */
export function mergeOverrides(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides === undefined ? base : overrides;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = mergeOverrides(base[key], value);
  return merged;
}

export function buildProgramConfig(preset: PresetName, overrides: Record<string, unknown> = {}): BuildResult {
  const parsed = ProgramConfigSchema.safeParse(mergeOverrides(presets[preset], overrides));
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      path: ["overrides", ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
