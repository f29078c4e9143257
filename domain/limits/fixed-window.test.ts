import { describe, expect, it } from "vitest";
import { hitWindow } from "./fixed-window";

describe("hitWindow", () => {
  it("allows `limit` hits in a window, refuses the next with the time left, and reopens after it", () => {
    let state = null;
    for (let hit = 0; hit < 3; hit++) {
      const result = hitWindow(state, 3, 60_000, 1_000 + hit);
      expect(result.allowed).toBe(true);
      state = result.state;
    }
    const refused = hitWindow(state, 3, 60_000, 31_000);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 30_000 });
    expect(hitWindow(refused.state, 3, 60_000, 61_000).allowed).toBe(true);
  });
});
