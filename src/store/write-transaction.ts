import type Database from "better-sqlite3";
import { SealError } from "../errors.js";

const RETRIES = 8;

/**
 * Runs `work` in a BEGIN IMMEDIATE transaction: the write lock is taken up front, so two
 * processes never both read and then fail to upgrade. busy_timeout already waits for the lock;
 * if it still comes back SQLITE_BUSY (a long writer elsewhere), we wait and retry, so callers never
 * see it.
 */
export function writeTransaction<T>(db: Database.Database, work: () => T): T {
  const transaction = db.transaction(work);
  for (let attempt = 0; ; attempt++) {
    try {
      return transaction.immediate();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT") && attempt < RETRIES) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * 2 ** attempt);
        continue;
      }
      if (SealError.isInstance(error) || error instanceof TypeError) throw error;
      throw new SealError("STORE_UNAVAILABLE", `A write to the memory database failed: ${(error as Error).message}`, { context: { sqliteCode: code }, cause: error });
    }
  }
}
