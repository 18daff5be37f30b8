/** Opaque keyset cursors: base64url of the last id of the page. */
import { ApiProblem } from "./errors/problem.ts";

export function encodeCursor(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, pattern: RegExp): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!pattern.test(id))
    throw new ApiProblem("PASSERELLE_INVALID_CURSOR", "The cursor was not returned by this API");
  return id;
}
