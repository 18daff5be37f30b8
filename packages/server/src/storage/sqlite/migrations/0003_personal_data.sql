ALTER TABLE `case_history` ADD `personal_data` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `sex` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `nationality` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `age_band` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `guardian` text;--> statement-breakpoint
ALTER TABLE `consents` ADD `purpose` text;