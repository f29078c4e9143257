import { it } from "vitest";
import { coalition, createReward, enroll } from "../../test/ledger";

it("times setups", async () => {
  for (let round = 0; round < 10; round++) {
    let t = Date.now();
    const { program, venues } = await coalition(1, { tiers: [{ code: "BRONZE", multiplier: 1, qualify: {} }], expiry: { mode: "none" } });
    const a = Date.now() - t; t = Date.now();
    for (const spec of [{ pointsCost: 100, inventory: 1 }, { pointsCost: 150, inventory: 2 }, { pointsCost: 50, inventory: null }]) await createReward(program.id, spec);
    const b = Date.now() - t; t = Date.now();
    const each: number[] = [];
    for (let i = 0; i < 3; i++) { const s = Date.now(); await enroll(venues[0].key, `x-${round}-${i}`); each.push(Date.now() - s); }
    console.log(JSON.stringify({ a, b, each }));
  }
});
