/**
 * The `passerelle` command: a thin registry. Each command group lives in its own module and adds
 * itself to the program; nothing else belongs here. Run it with `pnpm passerelle …` (see
 * bin/passerelle.mjs).
 */
import { Command } from "commander";
import { registerPathwaysCommands } from "./pathways.ts";
import { registerSeedCommand } from "./seed.ts";
import { registerWorkerCommand } from "./worker.ts";

const program = new Command("passerelle")
  .description("Passerelle: National Referral Mechanism workflow engine")
  .showHelpAfterError();

registerPathwaysCommands(program);
registerSeedCommand(program);
registerWorkerCommand(program);

await program.parseAsync(process.argv);
