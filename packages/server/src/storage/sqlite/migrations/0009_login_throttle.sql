CREATE TABLE `login_throttle` (
	`user_id` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`known_addresses` text DEFAULT '[]' NOT NULL
);
