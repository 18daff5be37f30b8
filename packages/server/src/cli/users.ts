/**
 * `passerelle users …`: bootstrap the first admin, manage agencies and users. Passwords are read
 * from standard input (never from the command line, which shell history and `ps` would keep).
 */
import type Database from "better-sqlite3";
import type { Command } from "commander";
import { Directory } from "../auth/directory.ts";
import { hashPassword } from "../auth/password.ts";
import { provisionInDirectory } from "../auth/provision.ts";
import { AgencyKind, Role } from "../auth/roles.ts";
import {
  CLI_ACTOR,
  cliAuditLog,
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withDatabase,
} from "./database-option.ts";
import { pathwayAgencies, unknownAgencyMessage } from "./pathway-agencies.ts";

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
        await withDatabase(opts, ({ sqlite }, file) => {
          if (refuseUnknownAgency(sqlite, opts.country, opts.agency)) return;
          const directory = new Directory(sqlite);
          const audit = cliAuditLog(sqlite, file);
          const result = sqlite
            .transaction(() => {
              // Only for an empty server: afterwards admins create users with their own tokens.
              if (directory.countUsers() > 0) return undefined;
              const made = provisionInDirectory(directory, {
                country: opts.country,
                agency: opts.agency,
                agencyName: opts.agencyName ?? opts.agency,
                login: opts.login,
                role: "admin",
                expiresAt: new Date(Date.now() + opts.days * 86_400_000),
                label: "bootstrap",
              });
              audit.appendInTransaction({
                ...CLI_ACTOR,
                action: "users.bootstrap-admin",
                targetType: "user",
                targetId: made.user.id,
                outcome: "allowed",
                reason: "cli",
                details: { agency: made.agency.id, tokenId: made.tokenId },
              });
              return made;
            })
            .immediate();
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
      await withDatabase(opts, ({ sqlite }, file) => {
        if (refuseUnknownAgency(sqlite, opts.country, opts.code)) return;
        const kind = AgencyKind.parse(opts.kind);
        const agency = sqlite
          .transaction(() => {
            const a = new Directory(sqlite).createAgency({
              country: opts.country,
              code: opts.code,
              name: opts.name,
              kind,
            });
            cliAuditLog(sqlite, file).appendInTransaction({
              ...CLI_ACTOR,
              action: "agencies.add",
              targetType: "agency",
              targetId: a.id,
              outcome: "allowed",
              reason: "cli",
              details: null,
            });
            return a;
          })
          .immediate();
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
        await withDatabase(opts, ({ sqlite }, file) => {
          const user = sqlite
            .transaction(() => {
              const u = new Directory(sqlite).createUser({
                agencyId: opts.agency,
                login: opts.login,
                role,
                ...(passwordHash && { passwordHash }),
              });
              cliAuditLog(sqlite, file).appendInTransaction({
                ...CLI_ACTOR,
                action: "users.add",
                targetType: "user",
                targetId: u.id,
                outcome: "allowed",
                reason: "cli",
                details: { agency: u.agencyId, role: u.role },
              });
              return u;
            })
            .immediate();
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
      await withDatabase(opts, ({ sqlite }, file) => {
        const directory = new Directory(sqlite);
        const found = directory.credentialsOf(opts.login);
        if (!found) throw new Error("no user with this login");
        changeUser(sqlite, file, found.user.id, "users.set-password", () =>
          directory.setPasswordHash(found.user.id, passwordHash),
        );
      });
    });

  users
    .command("disable")
    .description("Disable a user: every token of theirs stops working at once")
    .requiredOption("--login <login>", "login name")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption & { login: string }) => {
      await withDatabase(opts, ({ sqlite }, file) => {
        const directory = new Directory(sqlite);
        const found = directory.credentialsOf(opts.login);
        if (!found) throw new Error("no user with this login");
        changeUser(sqlite, file, found.user.id, "users.disable", () => directory.disableUser(found.user.id));
      });
    });

  users
    .command("list")
    .description("List agencies and users (ids, logins, roles)")
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: DatabaseOption) => {
      await withDatabase(opts, ({ sqlite }) => {
        const directory = new Directory(sqlite);
        for (const a of directory.listAgencies()) {
          process.stdout.write(`${a.id}\t${a.kind}\t${a.name}\n`);
          for (const u of directory.listUsers(a.id)) {
            process.stdout.write(`  ${u.id}\t${u.login}\t${u.role}${u.disabledAt ? "\tdisabled" : ""}\n`);
          }
        }
      });
    });
}

/** Prints why the agency is not one of the country's pathway and sets exit code 1; true if so. */
function refuseUnknownAgency(sqlite: Database.Database, country: string, code: string): boolean {
  const message = unknownAgencyMessage(pathwayAgencies(sqlite), country, code);
  if (message === undefined) return false;
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
  return true;
}

/** Changes a user from the CLI, with its audit entry in the same transaction. */
function changeUser(
  sqlite: Database.Database,
  file: string,
  userId: string,
  action: string,
  change: () => void,
): void {
  const audit = cliAuditLog(sqlite, file);
  sqlite
    .transaction(() => {
      change();
      audit.appendInTransaction({
        ...CLI_ACTOR,
        action,
        targetType: "user",
        targetId: userId,
        outcome: "allowed",
        reason: "cli",
        details: null,
      });
    })
    .immediate();
}
