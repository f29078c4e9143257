export const actorCallAttemptsMax = 3;
const backoffBaseMs = 40;

type RuntimeError = { retryable?: boolean; overloaded?: boolean };

/**
 * Calls an actor by name. Every actor call we make is idempotent (a key, a natural id or a hold
 * id), so an error the runtime marks `.retryable` is retried on a fresh stub with jittered
 * backoff; `.overloaded` is never retried, it is shed as 503 (§9).
 */
export async function callActor<Stub, Call extends (actor: Stub) => unknown>(
  namespace: { getByName(name: string): Stub },
  name: string,
  call: Call,
): Promise<Awaited<ReturnType<Call>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await call(namespace.getByName(name))) as Awaited<ReturnType<Call>>;
    } catch (error) {
      const runtime = error as RuntimeError;
      if (attempt >= actorCallAttemptsMax || runtime.overloaded || !runtime.retryable) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
    }
  }
}
