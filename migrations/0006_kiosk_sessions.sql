CREATE TABLE `kiosk_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`venue_id` text NOT NULL,
	`program_id` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kiosk_sessions_key_idx` ON `kiosk_sessions` (`key_id`);
