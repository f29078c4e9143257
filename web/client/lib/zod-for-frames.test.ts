import { describe, expect, it } from "vitest";
import framesSource from "../../../domain/rooms/frames.ts?raw";
import { z } from "./zod-for-frames";

describe("zod for the room's frames in the browser", () => {
  it("has every function the frame schemas call on z: the page's build swaps it in for @hono/zod-openapi's z", () => {
    const used = new Set([...framesSource.matchAll(/\bz\.(\w+)\(/g)].map((match) => match[1]));
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !(name in z))).toEqual([]);
  });
});
