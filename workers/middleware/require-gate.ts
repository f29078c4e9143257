import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { signedInMember } from "../routes/me";
import { ApiError } from "../errors/api-error";
import { accessFor } from "../gates/gate-facts";

/**
 * Lets a signed-in member through a named gate of their program (put it after `requireMember`):
 * otherwise 403 `gate_failed` with what is `required` and what the member has (`current`).
 */
export function requireGate(name: string): MiddlewareHandler<AppEnv> {
  return async function requireGate(c, next) {
    const member = signedInMember(c.get("principal"));
    const gate = (await accessFor(c.env, member.memberId)).find((entry) => entry.gate === name);
    if (!gate) throw new ApiError(403, "gate_failed", `This program has no gate "${name}", so nobody passes it`, { gate: name, required: [], current: [] });
    if (!gate.result.pass) {
      const unmet = gate.result.unmet;
      throw new ApiError(403, "gate_failed", `Not yet: ${unmet.map((leaf) => `${leaf.negated ? "not " : ""}${leaf.leaf} ${leaf.required} (you have ${leaf.current})`).join("; ")}`, {
        gate: name,
        required: unmet.map((leaf) => ({ leaf: leaf.leaf, value: leaf.required, ...(leaf.negated ? { negated: true } : {}) })),
        current: unmet.map((leaf) => ({ leaf: leaf.leaf, value: leaf.current })),
        unmet,
      });
    }
    return next();
  };
}
