import { z } from "@hono/zod-openapi";
import { tokensToUnits } from "../token-settlement/token-units";

/** Bounds on one gate and on a program's gates: a gate is operator data, so a typo must not cost a worker its CPU budget. */
export const requirementChildCountMax = 20;
export const requirementNodeCountMax = 64;
export const requirementDepthMax = 8;
export const gateCountMax = 100;
export const accountAgeDaysMax = 36_500;
export const streakDaysMax = 36_500;

/**
 * A gate's requirement tree. Composites combine requirements; leaves name facts the engine knows today.
 * Every node is an object with exactly one key, so the JSON reads like the rule ({ "not": { "walletLinked": true } }).
 */
export type GateRequirement =
  | { all: GateRequirement[] }
  | { any: GateRequirement[] }
  | { atLeast: { n: number; of: GateRequirement[] } }
  | { not: GateRequirement }
  | { tierAtLeast: string }
  | { lifetimePointsAtLeast: number }
  | { walletLinked: true }
  | { accountAgeDaysAtLeast: number }
  | { streakDaysAtLeast: number }
  | { tokenBalanceAtLeast: number | string };

export type GateLeafKind = "tierAtLeast" | "lifetimePointsAtLeast" | "walletLinked" | "accountAgeDaysAtLeast" | "streakDaysAtLeast" | "tokenBalanceAtLeast";

/** The keys a node may have, in the order of the union below (the union's error message relies on it). */
const nodeKinds = [
  "all",
  "any",
  "atLeast",
  "not",
  "tierAtLeast",
  "lifetimePointsAtLeast",
  "walletLinked",
  "accountAgeDaysAtLeast",
  "streakDaysAtLeast",
  "tokenBalanceAtLeast",
] as const;

/** Whole tokens (18 decimals), as a positive number or a decimal string such as "12.5". */
const wholeTokens = z
  .union([z.number(), z.string()])
  .refine((tokens) => (tokensToUnits(tokens) ?? 0n) > 0n, 'tokenBalanceAtLeast: write a positive amount of whole tokens, such as 100 or "12.5" (at most 18 decimals, no exponent)');

const tierCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, "tier codes are UPPER_SNAKE_CASE, such as GOLD");

/** The recursive shape without the size guard; the guard wraps it once, at the root. */
const requirementNode: z.ZodType<GateRequirement> = z
  .lazy(() => {
    const children = z.array(requirementNode).min(1).max(requirementChildCountMax);
    return z.union(
      [
        z.object({ all: children }).strict(),
        z.object({ any: children }).strict(),
        z
          .object({
            atLeast: z
              .object({ n: z.number().int().min(1), of: children })
              .strict()
              .refine((atLeast) => atLeast.n <= atLeast.of.length, {
                message: "atLeast.n is larger than the number of requirements in atLeast.of, so the gate could never pass",
                path: ["n"],
              }),
          })
          .strict(),
        z.object({ not: requirementNode }).strict(),
        z.object({ tierAtLeast: tierCode }).strict(),
        z.object({ lifetimePointsAtLeast: z.number().int().min(0) }).strict(),
        z.object({ walletLinked: z.literal(true) }).strict(),
        z.object({ accountAgeDaysAtLeast: z.number().int().min(0).max(accountAgeDaysMax) }).strict(),
        z.object({ streakDaysAtLeast: z.number().int().min(0).max(streakDaysMax) }).strict(),
        z.object({ tokenBalanceAtLeast: wholeTokens }).strict(),
      ],
      { error: (issue) => unionMessage(issue.input, "errors" in issue ? issue.errors : undefined) },
    );
  })
  .openapi("GateRequirement");

/**
 * A union reports every option's failure; a person needs only the one for the key they wrote
 * ("tierAtLeast: tier codes are UPPER_SNAKE_CASE"), or the list of keys when the key itself is wrong.
 */
function unionMessage(input: unknown, optionIssues: unknown): string {
  const keys = isPlainObject(input) ? Object.keys(input) : [];
  const kindIndex = keys.length === 1 ? nodeKinds.indexOf(keys[0] as (typeof nodeKinds)[number]) : -1;
  if (kindIndex === -1) {
    return `a requirement is an object with exactly one of the keys ${nodeKinds.join(", ")}; got ${describeKeys(input, keys)}`;
  }
  const cause = Array.isArray(optionIssues) ? (optionIssues[kindIndex] as z.core.$ZodIssue[] | undefined)?.[0] : undefined;
  if (!cause) return `${keys[0]} is invalid`;
  return `${cause.path.map(String).join(".")}: ${cause.message}`;
}

function describeKeys(input: unknown, keys: string[]): string {
  if (!isPlainObject(input)) return Array.isArray(input) ? "an array" : input === null ? "null" : typeof input;
  if (keys.length === 0) return "an empty object";
  return `the keys ${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Counts nodes and depth of raw input, stopping as soon as a bound is crossed. It runs before the
 * recursive parse so that a deeply nested body is refused in a few steps instead of overflowing the stack.
 */
function sizeProblem(input: unknown): string | null {
  let nodes = 0;
  const visit = (node: unknown, depth: number): string | null => {
    if (depth > requirementDepthMax) {
      return `a gate requirement nests at most ${requirementDepthMax} levels deep; flatten nested all/any or split the gate`;
    }
    nodes += 1;
    if (nodes > requirementNodeCountMax) {
      return `a gate requirement has at most ${requirementNodeCountMax} nodes (composites and leaves); split it into several gates`;
    }
    for (const child of rawChildren(node)) {
      const problem = visit(child, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  return visit(input, 1);
}

/** The children of a node that may not be valid yet; the parse after the guard checks the shape. */
function rawChildren(node: unknown): unknown[] {
  if (!isPlainObject(node)) return [];
  const children: unknown[] = [];
  if (Array.isArray(node.all)) children.push(...node.all.slice(0, requirementNodeCountMax));
  if (Array.isArray(node.any)) children.push(...node.any.slice(0, requirementNodeCountMax));
  if (isPlainObject(node.atLeast) && Array.isArray(node.atLeast.of)) children.push(...node.atLeast.of.slice(0, requirementNodeCountMax));
  if ("not" in node) children.push(node.not);
  return children;
}

/**
 * A requirement tree with at most 64 nodes and 8 levels. The size check is a preprocess step rather
 * than a refine so that it runs before the recursive parse; the OpenAPI document shows the tree's shape.
 */
export const GateRequirementSchema = z.preprocess((input, ctx) => {
  const problem = sizeProblem(input);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input });
  return input;
}, requirementNode);

/** The immediate sub-requirements of a node (none for a leaf). */
export function childRequirements(requirement: GateRequirement): readonly GateRequirement[] {
  if ("all" in requirement) return requirement.all;
  if ("any" in requirement) return requirement.any;
  if ("atLeast" in requirement) return requirement.atLeast.of;
  if ("not" in requirement) return [requirement.not];
  return [];
}

/** Every tier code the tree names, each once, in the order they first appear, so a config can check them against its ladder. */
export function gateTierCodes(requirement: GateRequirement): string[] {
  const codes = new Set<string>();
  const visit = (node: GateRequirement): void => {
    if ("tierAtLeast" in node) codes.add(node.tierAtLeast);
    childRequirements(node).forEach(visit);
  };
  visit(requirement);
  return [...codes];
}

const gateName = z.string().regex(/^[a-z][a-zA-Z0-9:_-]{0,63}$/);

/** A program's named gates ("channel:alpha-signals", "scheduleAma"), at most 100, counted before any gate is parsed. */
export const GatesSchema = z.preprocess((input, ctx) => {
  if (isPlainObject(input) && Object.keys(input).length > gateCountMax) {
    ctx.addIssue({ code: "custom", message: `a program has at most ${gateCountMax} gates; merge gates that share a requirement`, input });
  }
  return input;
}, z.record(gateName, GateRequirementSchema, { error: (issue) => (issue.code === "invalid_key" ? gateNameMessage(issue.input) : undefined) }));

/** A record reports a bad key as "Invalid key in record"; say which name and what a name looks like. */
function gateNameMessage(name: unknown): string {
  return `gate name ${JSON.stringify(name)} is not allowed: names start with a lowercase letter and use letters, digits, ':', '_' or '-' (at most 64), such as channel:alpha-signals`;
}
