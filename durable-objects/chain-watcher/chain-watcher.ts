import { DurableObject } from "cloudflare:workers";

/** The singleton that reads the token's logs behind a confirmation depth (issue 23). */
export class ChainWatcher extends DurableObject<Env> {}
