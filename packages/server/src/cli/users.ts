/**
 * `passerelle users …`: bootstrap the first admin, manage agencies and users. Passwords are read
 * from standard input (never from the command line, which shell history and `ps` would keep).
 */
import type { Command } from "commander";
import { appendAudit } from "../audit/audit-trail.ts";
import { createAgency, createUser, disableUser, setPassword } from "../auth/directory.ts";
import { hashPassword } from "../auth/password.ts";
import { provisionInDirectory } from "../auth/provision.ts";
import { AgencyKind, Role } from "../auth/roles.ts";
import { pathwayAgencyCodes, unknownAgencyMessage } from "../pathways/agency-codes.ts";
import type { Repositories, Storage } from "../storage/storage.ts";
import {
  CLI_ACTOR,
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withStorage,
} from "./database-option.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export function registerUsersCommands(program: Command): void {
  const users = program.command("users").description("Agencies, users and the first admin");

  users
    .command("bootstrap-admin")
    .description("Create the first admin of an empty server and print an API token once")
    .requiredOption("--country <code>", "country of the admin's agency (ISO 3166-1 alpha-2)")
    .requiredOption("--agency <code>", "the agency's id in that country's pathway (e.g. mogcsp)")
    .option("--agency-name <name>", "display name of the agency")
    .option("--login <login>", "login name of the admin", "admin")
    .option("--days <n>", "token validity in days", (v) => Number.parseInt(v, 10), 30)
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(
      async (
        opts: DatabaseOption & {
          country: string;
          agency: string;
          agencyName?: string;
          login: string;
          days: number;
        },
      ) => {
        await withStorage(opts, async (storage) => {
          if (await refuseUnknownAgency(storage, opts.country, opts.agency)) return;
          const result = await storage.transaction(async (tx) => {
            // Only for an empty server: afterwards admins create users with their own tokens.
            if ((await tx.directory.countUsers()) > 0) return undefined;
            const made = await provisionInDirectory(tx.directory, {
              country: opts.country,
              agency: opts.agency,
              agencyName: opts.agencyName ?? opts.agency,
              login: opts.login,
              role: "admin",
              expiresAt: new Date(Date.now() + opts.days * 86_400_000),
              label: "bootstrap",
            });
            await appendAudit(tx.audit, {
              ...CLI_ACTOR,
              action: "users.bootstrap-admin",
              targetType: "user",
              targetId: made.user.id,
              outcome: "allowed",
              reason: "cli",
              details: { agency: made.agency.id, tokenId: made.tokenId },
            });
            return made;
          });
          if (!result) {
            process.stderr.write("users already exist: bootstrap-admin only works on an empty server\n");
            process.exitCode = 1;
            return;
          }
          process.stderr.write(
            `admin ${result.user.id} created in agency ${result.agency.id}; API token (shown once, valid ${opts.days} days):\n`,
          );
          process.stdout.write(`${result.token}\n`);
        });
      },
    );

  users
    .command("add-agency")
    .description("Register an agency (its id must be the agency's id in the country's pathway)")
    .requiredOption("--country <code>", "country (ISO 3166-1 alpha-2)")
    .requiredOption("--code <code>", "the agency's id in the pathway")
    .requiredOption("--name <name>", "display name")
    .option("--kind <kind>", "government, ngo, international or community", "government")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { country: string; code: string; name: string; kind: string }) => {
      await withStorage(opts, async (storage) => {
        if (await refuseUnknownAgency(storage, opts.country, opts.code)) return;
        const kind = AgencyKind.parse(opts.kind);
        const agency = await storage.transaction(async (tx) => {
          const a = await createAgency(tx.directory, {
            country: opts.country,
            code: opts.code,
            name: opts.name,
            kind,
          });
          await appendAudit(tx.audit, {
            ...CLI_ACTOR,
            action: "agencies.add",
            targetType: "agency",
            targetId: a.id,
            outcome: "allowed",
            reason: "cli",
            details: null,
          });
          return a;
        });
        process.stdout.write(`${agency.id}\n`);
      });
    });

  users
    .command("add")
    .description("Add a user; with --password-stdin, read their password from standard input")
    .requiredOption("--agency <id>", "agency id (<country>:<code>)")
    .requiredOption("--login <login>", "login name")
    .requiredOption("--role <role>", "caseworker, supervisor, committee, auditor or admin")
    .option("--password-stdin", "read a password (12+ characters) from standard input")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(
      async (
        opts: DatabaseOption & { agency: string; login: string; role: string; passwordStdin?: boolean },
      ) => {
        const role = Role.parse(opts.role);
        const passwordHash = opts.passwordStdin ? await hashPassword(await readStdin()) : undefined;
        await withStorage(opts, async (storage) => {
          const user = await storage.transaction(async (tx) => {
            const u = await createUser(tx.directory, {
              agencyId: opts.agency,
              login: opts.login,
              role,
              ...(passwordHash && { passwordHash }),
            });
            await appendAudit(tx.audit, {
              ...CLI_ACTOR,
              action: "users.add",
              targetType: "user",
              targetId: u.id,
              outcome: "allowed",
              reason: "cli",
              details: { agency: u.agencyId, role: u.role },
            });
            return u;
          });
          process.stdout.write(`${user.id}\n`);
        });
      },
    );

  users
    .command("set-password")
    .description("Set a user's password, read from standard input")
    .requiredOption("--login <login>", "login name")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { login: string }) => {
      const passwordHash = await hashPassword(await readStdin());
      await withStorage(opts, async (storage) => {
        const found = await storage.directory.credentialsOf(opts.login);
        if (!found) throw new Error("no user with this login");
        await changeUser(storage, found.user.id, "users.set-password", (tx) =>
          setPassword(tx.directory, found.user.id, passwordHash),
        );
      });
    });

  users
    .command("disable")
    .description("Disable a user: every token of theirs stops working at once")
    .requiredOption("--login <login>", "login name")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { login: string }) => {
      await withStorage(opts, async (storage) => {
        const found = await storage.directory.credentialsOf(opts.login);
        if (!found) throw new Error("no user with this login");
        await changeUser(storage, found.user.id, "users.disable", async (tx) => {
          await disableUser(tx.directory, found.user.id);
        });
      });
    });

  users
    .command("list")
    .description("List agencies and users (ids, logins, roles)")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption) => {
      await withStorage(opts, async ({ directory }) => {
        for (const a of await directory.listAgencies()) {
          process.stdout.write(`${a.id}\t${a.kind}\t${a.name}\n`);
          for (const u of await directory.listUsers(a.id)) {
            process.stdout.write(`  ${u.id}\t${u.login}\t${u.role}${u.disabledAt ? "\tdisabled" : ""}\n`);
          }
        }
      });
    });
}

/** Prints why the agency is not one of the country's pathway and sets exit code 1; true if so. */
async function refuseUnknownAgency(storage: Storage, country: string, code: string): Promise<boolean> {
  const message = unknownAgencyMessage(await pathwayAgencyCodes(storage), country, code);
  if (message === undefined) return false;
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
  return true;
}

/** Changes a user from the CLI, with its audit entry in the same transaction. */
async function changeUser(
  storage: Storage,
  userId: string,
  action: string,
  change: (tx: Repositories) => Promise<void>,
): Promise<void> {
  await storage.transaction(async (tx) => {
    await change(tx);
    await appendAudit(tx.audit, {
      ...CLI_ACTOR,
      action,
      targetType: "user",
      targetId: userId,
      outcome: "allowed",
      reason: "cli",
      details: null,
    });
  });
}
