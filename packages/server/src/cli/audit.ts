/** `passerelle audit verify`: walk the hash chain and report the first broken link. */
import type { Command } from "commander";
import { AuditLog } from "../audit/audit-log.ts";
import {
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withDatabase,
} from "./database-option.ts";

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("The hash-chained audit log");

  audit
    .command("verify")
    .description("Verify every entry and link; exit 1 at the first broken link")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption) => {
      await withDatabase(opts, ({ sqlite }) => {
        const result = new AuditLog(sqlite).verify();
        if (result.ok) {
          process.stdout.write(
            `audit log intact: ${result.checked} entries; head seq ${result.head.seq} hash ${result.head.hash}\n` +
              "(record the head elsewhere: a later verify that ends before it reveals a truncated log)\n",
          );
          return;
        }
        process.stdout.write(
          `audit log BROKEN at entry ${result.broken.seq}: ${result.broken.message} (${result.broken.problem}); ${result.checked} entries before it are intact\n`,
        );
        process.exitCode = 1;
      });
    });
}
