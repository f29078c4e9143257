import { describe, expect, it } from "vitest";
import { postsAt } from "./posting";

const received = Date.parse("2026-11-27T12:00:00Z");

describe("postsAt", () => {
  it("holds a backdated purchase a full 24 h from its receipt", () => {
    expect(postsAt(received - 2 * 86_400_000, received, 24)).toBe(received + 86_400_000);
  });

  it("counts from occurredAt when the POS clock runs a little ahead", () => {
    expect(postsAt(received + 60_000, received, 24)).toBe(received + 60_000 + 86_400_000);
  });
});
