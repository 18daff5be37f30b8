import { index, pgTable, text } from "drizzle-orm/pg-core";

/** Bearer tokens, stored only as the SHA-256 of the token (the token itself is shown once). */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** `api`: issued by an admin or the CLI; `session`: issued by password login. */
    kind: text("kind", { enum: ["api", "session"] }).notNull(),
    label: text("label"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_tokens_user").on(t.userId)],
);
