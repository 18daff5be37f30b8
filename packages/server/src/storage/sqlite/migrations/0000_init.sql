CREATE TABLE `case_history` (
	`case_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event_type` text NOT NULL,
	`data` text NOT NULL,
	`personal_fields` text DEFAULT '[]' NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`pathway_version` integer NOT NULL,
	PRIMARY KEY(`case_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `case_history_at` ON `case_history` (`at`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`country` text NOT NULL,
	`pathway_version` integer NOT NULL,
	`stage` text NOT NULL,
	`state` text NOT NULL,
	`snapshot` text NOT NULL,
	`revision` integer NOT NULL,
	`assignee` text,
	`agency` text,
	`person` text NOT NULL,
	`identification` text NOT NULL,
	`next_due_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`outcome` text
);
--> statement-breakpoint
CREATE INDEX `cases_country_stage_id` ON `cases` (`country`,`stage`,`id`);--> statement-breakpoint
CREATE INDEX `cases_stage_id` ON `cases` (`stage`,`id`);--> statement-breakpoint
CREATE INDEX `cases_assignee_id` ON `cases` (`assignee`,`id`);--> statement-breakpoint
CREATE TABLE `consents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`scope` text NOT NULL,
	`given` integer NOT NULL,
	`method` text NOT NULL,
	`interpreter_used` integer,
	`at` text NOT NULL,
	`actor` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consents_case` ON `consents` (`case_id`);--> statement-breakpoint
CREATE TABLE `pathway_versions` (
	`country` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`hash` text NOT NULL,
	`definition` text NOT NULL,
	`published_at` text,
	PRIMARY KEY(`country`, `version`)
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`key` text NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`status` text NOT NULL,
	`due_at` text NOT NULL,
	`assignee` text NOT NULL,
	`assignee_role` text NOT NULL,
	`assignee_agency` text,
	`escalation` text NOT NULL,
	`label` text NOT NULL,
	`occurrence` integer NOT NULL,
	`created_at` text NOT NULL,
	`completed_at` text,
	`actor` text,
	`note` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_case_open_key` ON `tasks` (`case_id`,`key`) WHERE "tasks"."status" = 'open';--> statement-breakpoint
CREATE INDEX `tasks_open_due` ON `tasks` (`due_at`) WHERE "tasks"."status" = 'open';--> statement-breakpoint
CREATE INDEX `tasks_status_id` ON `tasks` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_role_status_id` ON `tasks` (`assignee_role`,`status`,`id`);