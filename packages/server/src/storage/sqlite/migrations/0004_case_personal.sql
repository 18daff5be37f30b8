CREATE TABLE `case_personal` (
	`case_id` text PRIMARY KEY NOT NULL,
	`person` text NOT NULL,
	`identification` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Move the sealed values as they are (same AAD: it names the case, not the table), then drop them from `cases`.
INSERT INTO `case_personal` (`case_id`, `person`, `identification`) SELECT `id`, `person`, `identification` FROM `cases`;--> statement-breakpoint
ALTER TABLE `cases` DROP COLUMN `person`;--> statement-breakpoint
ALTER TABLE `cases` DROP COLUMN `identification`;--> statement-breakpoint
CREATE INDEX `cases_country_agency_id` ON `cases` (`country`,`agency`,`id`);--> statement-breakpoint
CREATE INDEX `cases_country_agency_stage_id` ON `cases` (`country`,`agency`,`stage`,`id`);--> statement-breakpoint
CREATE INDEX `cases_country_agency_assignee_id` ON `cases` (`country`,`agency`,`assignee`,`id`);
