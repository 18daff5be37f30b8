DROP INDEX `cases_assignee_id`;--> statement-breakpoint
DROP INDEX `cases_country_agency_assignee_id`;--> statement-breakpoint
CREATE INDEX `cases_assignee_id_due` ON `cases` (`assignee`,`id`,`next_due_at`);--> statement-breakpoint
CREATE INDEX `cases_country_agency_assignee_id_due` ON `cases` (`country`,`agency`,`assignee`,`id`,`next_due_at`);