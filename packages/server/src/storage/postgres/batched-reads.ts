/**
 * Reads by key that arrive together, sent as one statement.
 *
 * Under load, requests arrive in bursts (the answers of a committed batch leave together, and their
 * clients send the next requests together), and each reads its case before stepping it. Read one
 * statement each, every read is a round trip that wakes a PostgreSQL backend and is parsed,
 * executed and answered alone; read together, one. Built on DataLoader, each caller getting the
 * value of its own key. Nothing is kept between batches (`cache: false`): every read sees the
 * database as it is when its statement runs, never an earlier answer.
 *
 * A batch leaves at the end of the event loop's turn (`setImmediate`), not after the current promise
 * jobs (DataLoader's default, `process.nextTick`): each request is read from its socket in a callback
 * of its own, and the promise jobs after one callback run before the next, so the default sent one
 * statement per request. Measured under the event load (`bench/pg-event-cpu.ts`, three alternated
 * pairs): 1,183–1,405 → 2,164–3,927 events/s, PostgreSQL's CPU per event 612–714 → 97–182 µs. What
 * a read waits for it is the rest of the turn, which an idle server ends at once.
 *
 * One caller's key must not fail the others' reads. The only key that makes PostgreSQL refuse the
 * statement is text it cannot hold — a NUL character, which a request can put in a URL before its
 * parameters are validated (the access check runs first). No row has such a key: it is answered as
 * none without joining the batch.
 */
import DataLoader from "dataloader";

/** Most keys in one statement: a burst larger than this goes in several. */
const MAX_BATCH = 100;

/** `read` of each key, batched: `read` gets the keys asked for together and answers those it found. */
export function batchedReads<V>(
  read: (keys: readonly string[]) => Promise<Map<string, V>>,
): (key: string) => Promise<V | undefined> {
  const loader = new DataLoader<string, V | undefined>(
    async (keys) => {
      const found = await read(keys);
      return keys.map((key) => found.get(key));
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  return (key) => (key.includes("\0") ? Promise.resolve(undefined) : loader.load(key));
}
