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
  return validated(mergeOverrides(presets[preset], overrides));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A program's configuration changed by an operator: the overrides merge over the current config as
 * at creation, except that a gate named in `community.gates` is replaced whole (a requirement tree
 * must not merge with the old one) and a gate set to null is removed. The result is validated again.
 */
export function updateProgramConfig(current: ProgramConfig, overrides: Record<string, unknown>): BuildResult {
  const merged = mergeOverrides(current, overrides) as Record<string, unknown>;
  const gateOverrides = (overrides.community as { gates?: Record<string, unknown> } | undefined)?.gates;
  if (isPlainObject(gateOverrides) && isPlainObject(merged.community)) {
    const gates: Record<string, unknown> = { ...(current.community?.gates ?? {}) };
    for (const [name, requirement] of Object.entries(gateOverrides)) {
      if (requirement === null) delete gates[name];
      else gates[name] = requirement;
    }
    merged.community = { ...merged.community, gates };
  }
  return validated(merged);
}

function validated(config: unknown): BuildResult {
  const parsed = ProgramConfigSchema.safeParse(config);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: ["overrides", ...issue.path.map(String)].join("."), message: issue.message })) };
}
