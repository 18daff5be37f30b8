CREATE TABLE `case_keys` (
	`case_id` text PRIMARY KEY NOT NULL,
	`salt` blob NOT NULL
);
