import { customType } from "drizzle-orm/pg-core";

/** PostgreSQL `bytea` as a Node Buffer (node-postgres reads and writes Buffers as bytea). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "bytea",
});
