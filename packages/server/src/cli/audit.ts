/**
 * `passerelle audit verify` walks the keyed hash chain and reports the first broken link, checked
 * against signed checkpoints kept outside the database; `passerelle audit checkpoint` appends a
 * signed checkpoint of the head to such a file.
 */
import { appendFileSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { verifyAudit } from "../audit/audit-trail.ts";
import { readCheckpoints, signCheckpoint } from "../audit/checkpoint.ts";
import {
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withStorage,
} from "./database-option.ts";

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("The hash-chained audit log");

  audit
    .command("verify")
    .description(
      "Verify every entry and link, and the signed checkpoints given; exit 1 at the first broken link",
    )
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .option(
      "--checkpoints <file>",
      "File of signed checkpoints (from `audit checkpoint`) kept outside the database",
    )
    .action(async (opts: DatabaseOption & { checkpoints?: string }) => {
      await withStorage(opts, async ({ audit: log }) => {
        let knownHeads: { seq: number; hash: string }[] = [];
        if (opts.checkpoints) {
          const read = readCheckpoints(readFileSync(opts.checkpoints, "utf8"), log.chainKey!);
          for (const r of read.rejected) {
            process.stdout.write(
              `checkpoint file ${opts.checkpoints}, line ${r.line}: ${r.reason === "badSignature" ? "signature does not match (forged or altered): ignored" : "not a checkpoint: ignored"}\n`,
            );
          }
          if (read.rejected.length > 0) process.exitCode = 1;
          knownHeads = read.heads;
        }
        const result = await verifyAudit(log, { knownHeads });
        if (result.ok) {
          process.stdout.write(
            `audit log intact: ${result.checked} entries; head seq ${result.head.seq} hash ${result.head.hash}` +
              (knownHeads.length > 0 ? `; reaches all ${knownHeads.length} checkpoints` : "") +
              "\n(keep checkpoints outside the database: `passerelle audit checkpoint --file <elsewhere>`)\n",
          );
          return;
        }
        process.stdout.write(
          `audit log BROKEN at entry ${result.broken.seq}: ${result.broken.message} (${result.broken.problem}); ${result.checked} entries before it are intact\n`,
        );
        process.exitCode = 1;
      });
    });

  audit
    .command("checkpoint")
    .description(
      "Verify the chain, then append a signed checkpoint of its head to a file kept outside the database",
    )
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .requiredOption(
      "--file <file>",
      "Checkpoint file (one JSON line per checkpoint), on another disk or host",
    )
    .action(async (opts: DatabaseOption & { file: string }) => {
      await withStorage(opts, async ({ audit: log }) => {
        const result = await verifyAudit(log);
        if (!result.ok) {
          process.stdout.write(`audit log BROKEN at entry ${result.broken.seq}: no checkpoint written\n`);
          process.exitCode = 1;
          return;
        }
        const checkpoint = signCheckpoint(result.head, new Date(), log.chainKey!);
        appendFileSync(opts.file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
        process.stdout.write(
          `checkpoint: seq ${checkpoint.seq} hash ${checkpoint.hash} appended to ${opts.file}\n`,
        );
      });
    });
}
