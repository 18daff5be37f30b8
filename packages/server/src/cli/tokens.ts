/** `passerelle tokens …`: API tokens. A token is printed once; only its hash is stored. */
import type { Command } from "commander";
import { appendAudit } from "../audit/audit-trail.ts";
import { issueToken, revokeToken } from "../auth/directory.ts";
import {
  CLI_ACTOR,
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withStorage,
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
      await withStorage(opts, async (storage) => {
        const found = await storage.directory.credentialsOf(opts.login);
        if (!found) throw new Error("no user with this login");
        const issued = await storage.transaction(async (tx) => {
          const t = await issueToken(tx.directory, {
            userId: found.user.id,
            kind: "api",
            expiresAt: opts.days > 0 ? new Date(Date.now() + opts.days * 86_400_000) : null,
            ...(opts.label && { label: opts.label }),
          });
          await appendAudit(tx.audit, {
            ...CLI_ACTOR,
            action: "token.create",
            targetType: "token",
            targetId: t.record.id,
            outcome: "allowed",
            reason: "cli",
            details: { user: found.user.id, expiresAt: t.record.expiresAt },
          });
          return t;
        });
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
      await withStorage(opts, async ({ directory }) => {
        const userId = opts.login ? (await directory.credentialsOf(opts.login))?.user.id : undefined;
        if (opts.login && !userId) throw new Error("no user with this login");
        for (const t of await directory.listTokens(userId)) {
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
      await withStorage(opts, (storage) =>
        storage.transaction(async (tx) => {
          await revokeToken(tx.directory, tokenId);
          await appendAudit(tx.audit, {
            ...CLI_ACTOR,
            action: "token.revoke",
            targetType: "token",
            targetId: tokenId,
            outcome: "allowed",
            reason: "cli",
            details: null,
          });
        }),
      );
    });
}
