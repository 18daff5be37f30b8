CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`task_id` text NOT NULL,
	`case_id` text NOT NULL,
	`step` integer NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`recipient_role` text NOT NULL,
	`recipient_agency` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`claimed_until` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_key_channel` ON `notifications` (`key`,`channel`);--> statement-breakpoint
CREATE INDEX `notifications_task` ON `notifications` (`task_id`);--> statement-breakpoint
CREATE INDEX `notifications_case` ON `notifications` (`case_id`);--> statement-breakpoint
CREATE INDEX `notifications_dead` ON `notifications` (`id`) WHERE "notifications"."status" = 'dead';--> statement-breakpoint
CREATE TABLE `task_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`case_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_actions_task` ON `task_actions` (`task_id`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `next_step` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `next_at` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `next_queued_at` text;--> statement-breakpoint
CREATE INDEX `tasks_status_next_at` ON `tasks` (`status`,`next_at`);--> statement-breakpoint
CREATE INDEX `tasks_outbox` ON `tasks` (`next_at`) WHERE "tasks"."next_queued_at" is null and "tasks"."status" = 'open';