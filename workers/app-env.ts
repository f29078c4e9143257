import type { Principal } from "./auth/principal";

export type AppEnv = { Bindings: Env; Variables: { principal: Principal } };
