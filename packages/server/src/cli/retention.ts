/** `passerelle retention apply [--dry-run]`: erase personal data of closed cases past their period. */

import type { Command } from "commander";
import { applyRetention } from "../retention/apply.ts";
import {
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withStorage,
} from "./database-option.ts";

export function registerRetentionCommands(program: Command): void {
  const retention = program.command("retention").description("Retention of personal data of closed cases");

  retention
    .command("apply")
    .description(
      "Erase the personal data of closed cases whose pathway's retention.personalDataAfterClosure has passed; keep the anonymised fields; audit each erasure",
    )
    .option("--dry-run", "only list the cases that are due")
    .option("--now <instant>", "evaluate as of this ISO instant (default: now)")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { dryRun?: boolean; now?: string }) => {
      await withStorage(opts, async (storage) => {
        const report = await applyRetention(storage, {
          now: opts.now ? new Date(opts.now) : new Date(),
          dryRun: opts.dryRun ?? false,
          actor: { userId: null, ip: "cli" },
        });
        for (const c of report.due)
          process.stdout.write(
            `${c.caseId}\t${c.country}@${c.pathwayVersion}\tclosed ${c.closedAt}\tdue ${c.dueAt}\n`,
          );
        process.stdout.write(
          opts.dryRun
            ? `${report.due.length} closed cases due for erasure (dry run: nothing changed); ${report.kept} kept\n`
            : `${report.erased} cases erased; ${report.kept} closed cases kept\n`,
        );
        if (report.walTruncated === false)
          process.stdout.write(
            "warning: the write-ahead log could not be emptied (a reader held it): erased values stay in it until the next checkpoint; run again when the server is quiet\n",
          );
      });
    });
}
