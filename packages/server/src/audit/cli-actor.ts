/** Audit fields of a CLI action: no user, no token; the operator's shell is the only "where". */
export const CLI_ACTOR = {
  actorUserId: null,
  actorAgencyId: null,
  actorRole: null,
  tokenId: null,
  ip: "cli",
  requestId: null,
} as const;
