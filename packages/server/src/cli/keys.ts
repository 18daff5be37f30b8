/**
 * `passerelle keys …`: the data-encryption key. `rotate` puts a new key in force and re-seals every
 * record under it in one transaction; older keys stay readable until `--prune` (after a backup
 * under the new key exists).
 */
import type { Command } from "commander";
import { appendAudit } from "../audit/audit-trail.ts";
import { generateDataKey } from "../crypto/data-key.ts";
import { addKeyToFile, loadKeyring, pruneKeyFile } from "../crypto/keyring.ts";
import { keySettingsFor } from "../storage/store-keys.ts";
import {
  CLI_ACTOR,
  cliDatabaseUrl,
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withStorage,
} from "./database-option.ts";

export function registerKeysCommands(program: Command): void {
  const keys = program.command("keys").description("Encryption of personal data at rest");

  keys
    .command("generate")
    .description("Print a new random key (base64) for PASSERELLE_KEY")
    .action(() => {
      process.stdout.write(`${generateDataKey().key.toString("base64")}\n`);
    });

  keys
    .command("status")
    .description("Which key is active, and which keys stored records still need")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption) => {
      // Opening the storage creates the key file of a fresh store, as the server would.
      await withStorage(opts, async (storage) => {
        const settings = keySettingsFor(cliDatabaseUrl(opts));
        const { keyring } = loadKeyring(settings);
        const inUse = await storage.keysInUse();
        process.stdout.write(
          `active key: ${keyring.active.id} (from ${settings.envKey ? "PASSERELLE_KEY" : settings.keyFile})\n` +
            `keys held: ${keyring.ids().join(", ")}\n` +
            `keys used by records: ${[...inUse.keyIds].join(", ") || "none"}\n` +
            `values not yet encrypted: ${inUse.plain}\n`,
        );
      });
    });

  keys
    .command("rotate")
    .description(
      "Key file: add a new active key. PASSERELLE_KEY: use the new key you set (old one in PASSERELLE_PREVIOUS_KEYS). Then re-seal every record",
    )
    .option("--prune", "afterwards, drop keys no record uses any more from the key file")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { prune?: boolean }) => {
      // Opening the storage makes sure a key file exists (fresh server) before a key is added to it.
      await withStorage(opts, async (storage) => {
        const settings = keySettingsFor(cliDatabaseUrl(opts));
        const keyring = settings.envKey
          ? loadKeyring(settings).keyring
          : addKeyToFile(settings.keyFile).keyring;
        const report = await storage.resealAll(keyring);
        await storage.transaction((tx) =>
          appendAudit(tx.audit, {
            ...CLI_ACTOR,
            action: "keys.rotate",
            targetType: "key",
            targetId: keyring.active.id,
            outcome: "allowed",
            reason: "cli",
            details: { resealed: report.resealed },
          }),
        );
        const total = Object.values(report.resealed).reduce((a, b) => a + b, 0);
        process.stdout.write(
          `active key ${keyring.active.id}; ${total} values re-sealed, ${report.current} already current\n`,
        );
        if (opts.prune && !settings.envKey) {
          const dropped = pruneKeyFile(settings.keyFile, (await storage.keysInUse()).keyIds);
          process.stdout.write(`pruned keys: ${dropped.join(", ") || "none"}\n`);
        }
      });
    });
}
