/**
 * The reader thread: answers case reads and case lists (`read-answers.ts`) on a connection of its
 * own — the SQL, the case view with its allowed events, the serialised answer — so that on a busy
 * server they use the other core instead of the request thread's. Reads only; the request thread
 * still checks access and writes each read's audit entry (through the writer thread) before the
 * answer leaves. It sees committed data, as any WAL reader does.
 *
 * Started by `reader-thread-client.ts`; `thread-entry.mjs` loads this file.
 */

import { parentPort, workerData } from "node:worker_threads";
import { caseSalts } from "../../crypto/case-keys.ts";
import { type KeyringSettings, loadKeyring } from "../../crypto/keyring.ts";
import { type PersonalDataCodec, PlainCodec, SealingCodec } from "../../crypto/personal-data-codec.ts";
import { PathwayRegistry } from "../../pathways/pathway-registry.ts";
import type { ReadAnswer, ReadQuery } from "../case-store.ts";
import { CaseReads } from "./case-reads.ts";
import { openConnection } from "./open.ts";
import { answerRead } from "./read-answers.ts";
import { toPathwayVersion } from "./rows.ts";
import { errorToWire, type WireError } from "./writer-wire.ts";

export interface ReaderThreadData {
  /** This module, for `thread-entry.mjs`. */
  entry: "./reader-thread.ts";
  file: string;
  /** Data-key settings; null when protections are off (plain values). */
  keys: KeyringSettings | null;
}

export type ToReader = { type: "read"; id: number; query: ReadQuery } | { type: "close" };
export type FromReader =
  | { type: "ready" }
  | { type: "answer"; id: number; answer: ReadAnswer }
  | { type: "failed"; id: number; error: WireError }
  | { type: "closed" };

const port = parentPort!;
const data = workerData as ReaderThreadData;
const post = (message: FromReader) => port.postMessage(message);

const sqlite = openConnection(data.file, { fileMustExist: true });
const codec: PersonalDataCodec = data.keys
  ? new SealingCodec(loadKeyring({ ...data.keys, generateIfMissing: false }).keyring, caseSalts(sqlite))
  : new PlainCodec();
const reads = new CaseReads(sqlite, codec);
let pathways: PathwayRegistry | undefined;

/** The versions the request thread stored at start-up (they never change while it runs). */
function storedPathways(): PathwayRegistry {
  pathways ??= PathwayRegistry.fromRecords(
    (sqlite.prepare("SELECT * FROM pathway_versions").all() as Record<string, unknown>[]).map(
      toPathwayVersion,
    ),
  );
  return pathways;
}

port.on("message", (message: ToReader) => {
  if (message.type === "close") {
    sqlite.close();
    post({ type: "closed" });
    port.close();
    return;
  }
  try {
    post({ type: "answer", id: message.id, answer: answerRead(reads, storedPathways(), message.query) });
  } catch (error) {
    post({ type: "failed", id: message.id, error: errorToWire(error) });
  }
});

// Ready once the pathways are read: the first read after a start waits for nothing. Should that
// fail, each read reports the error (a 500) instead of the thread dying.
try {
  storedPathways();
} catch {
  pathways = undefined;
}
post({ type: "ready" });
