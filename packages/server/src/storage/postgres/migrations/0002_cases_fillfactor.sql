-- Every event rewrites its case's row (revision, state, snapshot). PostgreSQL can do that as a HOT
-- update, touching none of the table's eight indexes, only when the new version fits on the same
-- page; with pages filled to 100 % it mostly did not (31 % HOT under the event benchmark), and each
-- other update wrote an entry in every index. Pages of `cases` are now filled to 80 %, leaving room
-- for the next versions of their rows. The setting applies to pages written from now on; existing
-- rows gain it as they move (`VACUUM FULL cases`, in a maintenance window, applies it at once).
-- Taking SHARE UPDATE EXCLUSIVE, it does not block reads or writes of other instances.
ALTER TABLE "cases" SET (fillfactor = 80);
