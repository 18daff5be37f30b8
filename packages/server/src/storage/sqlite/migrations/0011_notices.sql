CREATE TABLE `notices` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`state` text NOT NULL,
	`recipient_role` text NOT NULL,
	`recipient_agency` text,
	`label` text NOT NULL,
	`status` text NOT NULL,
	`next_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notices_open` ON `notices` (`next_at`) WHERE "notices"."status" = 'open';