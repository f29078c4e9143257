import { runInDurableObject } from "cloudflare:test";

/** Makes the actor's next statement starting with `prefix` throw, as a crash in the middle of its write. */
export function crashNext(stub: DurableObjectStub, prefix: string) {
  return runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    sql.exec = ((query: string, ...bindings: SqlStorageValue[]) => {
      if (query.trimStart().startsWith(prefix)) {
        sql.exec = exec;
        throw new Error(`injected crash at ${prefix}`);
      }
      return exec(query, ...bindings);
    }) as typeof sql.exec;
  });
}
