/**
 * The session advisory lock held while migrations run, so that instances starting together migrate
 * once: the first takes it and migrates, the others wait for it and then find nothing to do. A
 * fixed 64-bit key: the ASCII bytes `PASSERL` and a version byte 0x01 (0x5041535345524c01). Passed as
 * a string because it is beyond a JavaScript number's exact range.
 */
export const MIGRATION_LOCK_KEY = "5782995013630839809";
