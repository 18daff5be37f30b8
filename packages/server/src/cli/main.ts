/**
 * The `passerelle` command: a thin registry. Each command group lives in its own module and adds
 * itself to the program; nothing else belongs here. Run it with `pnpm passerelle …` (see
 * bin/passerelle.mjs).
 */
import { Command } from "commander";
import { registerAuditCommands } from "./audit.ts";
import { registerCalendarsCommands } from "./calendars.ts";
import { registerKeysCommands } from "./keys.ts";
import { registerPathwaysCommands } from "./pathways.ts";
import { registerRetentionCommands } from "./retention.ts";
import { registerSeedCommand } from "./seed.ts";
import { registerTokensCommands } from "./tokens.ts";
import { registerUsersCommands } from "./users.ts";
import { registerWorkerCommand } from "./worker.ts";

const program = new Command("passerelle")
  .description("Passerelle: National Referral Mechanism workflow engine")
  .showHelpAfterError();

registerPathwaysCommands(program);
registerSeedCommand(program);
registerWorkerCommand(program);
registerUsersCommands(program);
registerTokensCommands(program);
registerKeysCommands(program);
registerAuditCommands(program);
registerRetentionCommands(program);
registerCalendarsCommands(program);

await program.parseAsync(process.argv);
