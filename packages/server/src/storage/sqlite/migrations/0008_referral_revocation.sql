ALTER TABLE `case_grants` ADD `scopes` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `case_grants` ADD `decided_by` text;--> statement-breakpoint
ALTER TABLE `case_grants` ADD `decision_grounds` text;--> statement-breakpoint
ALTER TABLE `case_grants` ADD `revoked_by` text;--> statement-breakpoint
ALTER TABLE `case_grants` ADD `revoke_reason` text;