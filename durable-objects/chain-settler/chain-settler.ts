import { DurableObject } from "cloudflare:workers";

/** The singleton that turns members' payout intents into settlement transactions (issue 23). */
export class ChainSettler extends DurableObject<Env> {}
