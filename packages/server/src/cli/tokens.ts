/** `passerelle tokens …`: API tokens. A token is printed once; only its hash is stored. */
import type { Command } from "commander";
import { Directory } from "../auth/directory.ts";
import {
  CLI_ACTOR,
  cliAuditLog,
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withDatabase,
} from "./database-option.ts";

export function registerTokensCommands(program: Command): void {
  const tokens = program.command("tokens").description("API tokens (bearer)");

  tokens
    .command("create")
    .description("Issue an API token for a user and print it once")
    .requiredOption("--login <login>", "the user's login name")
    .option("--days <n>", "validity in days (0: no expiry)", (v) => Number.parseInt(v, 10), 90)
    .option("--label <label>", "what the token is for (e.g. the integration using it)")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { login: string; days: number; label?: string }) => {
      await withDatabase(opts, ({ sqlite }, file) => {
        const directory = new Directory(sqlite);
        const found = directory.credentialsOf(opts.login);
        if (!found) throw new Error("no user with this login");
        const issued = sqlite
          .transaction(() => {
            const t = directory.issueToken({
              userId: found.user.id,
              kind: "api",
              expiresAt: opts.days > 0 ? new Date(Date.now() + opts.days * 86_400_000) : null,
              ...(opts.label && { label: opts.label }),
            });
            cliAuditLog(sqlite, file).appendInTransaction({
              ...CLI_ACTOR,
              action: "token.create",
              targetType: "token",
              targetId: t.record.id,
              outcome: "allowed",
              reason: "cli",
              details: { user: found.user.id, expiresAt: t.record.expiresAt },
            });
            return t;
          })
          .immediate();
        process.stderr.write(
          `token ${issued.record.id} (shown once; expires ${issued.record.expiresAt ?? "never"}):\n`,
        );
        process.stdout.write(`${issued.token}\n`);
      });
    });

  tokens
    .command("list")
    .description("List tokens (ids, never the secrets)")
    .option("--login <login>", "only this user's tokens")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { login?: string }) => {
      await withDatabase(opts, ({ sqlite }) => {
        const directory = new Directory(sqlite);
        const userId = opts.login ? directory.credentialsOf(opts.login)?.user.id : undefined;
        if (opts.login && !userId) throw new Error("no user with this login");
        for (const t of directory.listTokens(userId)) {
          const state = t.revokedAt
            ? "revoked"
            : t.expiresAt && Date.parse(t.expiresAt) <= Date.now()
              ? "expired"
              : "active";
          process.stdout.write(
            `${t.id}\t${t.userId}\t${t.kind}\t${state}\t${t.expiresAt ?? "no expiry"}\t${t.label ?? ""}\n`,
          );
        }
      });
    });

  tokens
    .command("revoke <tokenId>")
    .description("Revoke a token: it stops working at once")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (tokenId: string, opts: DatabaseOption) => {
      await withDatabase(opts, ({ sqlite }, file) => {
        sqlite
          .transaction(() => {
            new Directory(sqlite).revokeToken(tokenId);
            cliAuditLog(sqlite, file).appendInTransaction({
              ...CLI_ACTOR,
              action: "token.revoke",
              targetType: "token",
              targetId: tokenId,
              outcome: "allowed",
              reason: "cli",
              details: null,
            });
          })
          .immediate();
      });
    });
}
