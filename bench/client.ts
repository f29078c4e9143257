import { benchOperatorToken } from "./harness";

export type Answer = { status: number; json: Record<string, any> };

/** What every figure needs: the worker, the operator's and a venue's credentials, and the no-op. */
export type BenchClient = {
  url: string;
  operator: Record<string, string>;
  /** A venue key's headers, as a kiosk at the venue sends them. */
  kiosk: Record<string, string>;
  programId: string;
  post: (route: string, body: unknown, headers?: Record<string, string>) => Promise<Answer>;
  /** The baseline route: `GET /health`, which does no I/O. */
  noop: () => Promise<boolean>;
};

/** A program with one venue and its key on a fresh worker. */
export async function benchClient(url: string): Promise<BenchClient> {
  const operator = { Authorization: `Bearer ${benchOperatorToken}`, "Content-Type": "application/json" };
  const post = async (route: string, body: unknown, headers: Record<string, string> = operator): Promise<Answer> => {
    const response = await fetch(`${url}${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  };
  const noop = async () => {
    const response = await fetch(`${url}/health`);
    await response.arrayBuffer();
    return response.status === 200;
  };
  const program = (await post("/v1/programs", { name: "Bench", preset: "restaurant" })).json;
  const venue = (await post(`/v1/programs/${program.id}/venues`, { name: "Bench venue" })).json;
  const { key } = (await post(`/v1/venues/${venue.id}/keys`, {})).json;
  return { url, operator, kiosk: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, programId: program.id, post, noop };
}
