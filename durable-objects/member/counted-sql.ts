/** Runs every statement of the actor through one place so the bench can count statements and rows (§8). */
export class CountedSql {
  statements = 0;
  rowsRead = 0;
  rowsWritten = 0;

  constructor(readonly sql: SqlStorage) {}

  all<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T[] {
    const cursor = this.sql.exec<T>(query, ...bindings);
    const rows = cursor.toArray();
    this.statements++;
    this.rowsRead += cursor.rowsRead;
    this.rowsWritten += cursor.rowsWritten;
    return rows;
  }

  one<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
    return this.all<T>(query, ...bindings)[0];
  }

  run(query: string, ...bindings: SqlStorageValue[]): void {
    this.all(query, ...bindings);
  }

  stats() {
    return { statements: this.statements, rowsRead: this.rowsRead, rowsWritten: this.rowsWritten };
  }
}
