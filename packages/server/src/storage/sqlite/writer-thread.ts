/**
 * The writer thread: owns a connection of its own to the database and runs the store's commands
 * (`write-command.ts`) a batch at a time, each batch one durable transaction. Deciding an event
 * (the engine's step), the SQL of the write and the audit entry (its hash) happen here, off the
 * event loop that parses requests and serialises answers. The fsync that makes a batch durable runs
 * in the WAL sync thread while the next batch is written, and the request thread answers a batch
 * only once its commit is on disk (`durable-replies.ts`).
 *
 * It decides events with the pathway versions stored in the database (the request thread stored
 * them at start-up, before any write), and seals with the same keys (read from the same settings).
 * Started by `writer-thread-client.ts`; `thread-entry.mjs` loads this file.
 */

import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { AuditLog } from "../../audit/audit-log.ts";
import { caseSalts } from "../../crypto/case-keys.ts";
import { type KeyringSettings, loadKeyring } from "../../crypto/keyring.ts";
import { type PersonalDataCodec, PlainCodec, SealingCodec } from "../../crypto/personal-data-codec.ts";
import { PathwayRegistry } from "../../pathways/pathway-registry.ts";
import { BatchTransaction } from "./batch-transaction.ts";
import { CaseWrites } from "./case-writes.ts";
import { openConnection } from "./open.ts";
import { toPathwayVersion } from "./rows.ts";
import type { WriteCommand } from "./write-command.ts";
import { writerCacheKib } from "./writer-cache.ts";
import {
  errorToWire,
  type FromWriter,
  outcomeToWire,
  type SyncRequest,
  type ToWriter,
} from "./writer-wire.ts";

export interface WriterThreadData {
  /** This module, for `thread-entry.mjs`. */
  entry: "./writer-thread.ts";
  file: string;
  /** Data-key settings; null when protections are off (plain values, no audit). */
  keys: KeyringSettings | null;
  /** `wal_autocheckpoint` backstop (the checkpoint worker copies the WAL meanwhile). */
  backstopPages: number;
  /** Where to ask for the sync of each commit (the WAL sync thread). */
  toSync: MessagePort;
  /**
   * One Int32: the number of the newest commit with case data that any connection may already see
   * (raised before its COMMIT; see `readBarrier` in `writer-thread-client.ts`).
   */
  visible: SharedArrayBuffer;
}

const port = parentPort!;
const data = workerData as WriterThreadData;
const post = (message: FromWriter) => port.postMessage(message);

const sqlite = openConnection(data.file, { fileMustExist: true });
sqlite.pragma(`wal_autocheckpoint = ${data.backstopPages}`);
// COMMIT writes the WAL without waiting for the disk; the WAL sync thread syncs it, and the request
// thread answers a batch only once its commit is synced (durable-replies.ts).
sqlite.pragma("synchronous = NORMAL");
// A smaller cache while the file is small: see writer-cache.ts.
const cacheKib = writerCacheKib(
  (sqlite.pragma("page_count", { simple: true }) as number) *
    (sqlite.pragma("page_size", { simple: true }) as number),
);
if (cacheKib !== undefined) sqlite.pragma(`cache_size = -${cacheKib}`);
/** Commit attempts so far: each batch takes the next number, whether or not its COMMIT succeeds. */
let commits = 0;
const visible = new Int32Array(data.visible);
const keyring = data.keys ? loadKeyring({ ...data.keys, generateIfMissing: false }).keyring : undefined;
const codec: PersonalDataCodec = keyring ? new SealingCodec(keyring, caseSalts(sqlite)) : new PlainCodec();
const audit = keyring ? new AuditLog(sqlite, keyring.auditKey) : undefined;
let pathways: PathwayRegistry | undefined;
const writes = new CaseWrites(sqlite, {
  codec,
  audit,
  // Every other write (the request thread's closures, the CLI, a delivery worker) comes from
  // another connection: what this one wrote can be kept (see WrittenCases).
  keepWritten: true,
  pathways: () => {
    pathways ??= PathwayRegistry.fromRecords(
      (sqlite.prepare("SELECT * FROM pathway_versions").all() as Record<string, unknown>[]).map(
        toPathwayVersion,
      ),
    );
    return pathways;
  },
});
const transaction = new BatchTransaction(sqlite);

/** Batches received and not yet committed; every batch that arrived while the last one committed. */
let received: { id: number; commands: WriteCommand[] }[] = [];
let scheduled = false;

/** Group commit on this thread: all batches received meanwhile share one transaction and one fsync. */
function commit(): void {
  scheduled = false;
  const batches = received;
  received = [];
  const commands = batches.flatMap((batch) => batch.commands);
  commits += 1;
  const commit = commits;
  // Before COMMIT makes the batch visible to other connections: a read that sees its data reads
  // this number afterwards and waits for its sync (audit entries alone are no case data).
  if (commands.some((command) => command.type !== "appendAudit")) Atomics.store(visible, 0, commit);
  try {
    const outcomes = transaction.run(
      commands.map((command) => () => writes.execute(command)),
      () => writes.batchBegan(),
    );
    writes.batchEnded(true);
    data.toSync.postMessage({ type: "sync", commit } satisfies SyncRequest);
    let offset = 0;
    for (const { id, commands: own } of batches) {
      const wire = own.map((command, i) => outcomeToWire(command, outcomes[offset + i]!));
      offset += own.length;
      post({ type: "batch", id, commit, outcomes: wire });
    }
  } catch (error) {
    writes.batchEnded(false);
    // Nothing of it is stored, yet a read may wait for its number: a sync covers it all the same.
    data.toSync.postMessage({ type: "sync", commit } satisfies SyncRequest);
    for (const { id } of batches) post({ type: "batchFailed", id, error: errorToWire(error) });
  }
}

port.on("message", (message: ToWriter) => {
  if (message.type === "close") {
    if (received.length > 0) commit();
    sqlite.close();
    data.toSync.close();
    post({ type: "closed" });
    port.close();
    return;
  }
  received.push(message);
  if (!scheduled) {
    scheduled = true;
    // After the messages already waiting: they all join this transaction.
    setImmediate(commit);
  }
});

post({ type: "ready" });
