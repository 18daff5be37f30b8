ALTER TABLE `case_history` ADD `audit_seq` integer;--> statement-breakpoint
-- Link every event already audited to its audit entry, while the full target index still finds it.
UPDATE `case_history` SET `audit_seq` = (
  SELECT a.`seq` FROM `audit_log` a
  WHERE a.`target_type` = 'case' AND a.`target_id` = `case_history`.`case_id` AND a.`action` = 'case.event'
    AND json_extract(a.`details`, '$.revision') = `case_history`.`seq`
  ORDER BY a.`seq` LIMIT 1
);--> statement-breakpoint
DROP INDEX `audit_log_target`;--> statement-breakpoint
CREATE INDEX `audit_log_target` ON `audit_log` (`target_type`,`target_id`) WHERE "audit_log"."action" <> 'case.event';
