CREATE TABLE `kiosk_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`venue_id` text NOT NULL,
	`program_id` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kiosk_sessions_key_idx` ON `kiosk_sessions` (`key_id`);--> statement-breakpoint
CREATE INDEX `members_program_email_idx` ON `members` (`program_id`,lower("email"),`enrolled_at`,`id`);--> statement-breakpoint
CREATE INDEX `members_program_phone_idx` ON `members` (`program_id`,`phone`,`enrolled_at`,`id`);