CREATE TABLE `live_events` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`title` text NOT NULL,
	`host_member_id` text NOT NULL,
	`starts_at_ms` integer NOT NULL,
	`length_minutes` integer NOT NULL,
	`capacity` integer NOT NULL,
	`overflow_seats` integer NOT NULL,
	`min_tier` text NOT NULL,
	`has_audio` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `live_events_program_starts_idx` ON `live_events` (`program_id`,`starts_at_ms`);--> statement-breakpoint
CREATE UNIQUE INDEX `live_events_program_key_idx` ON `live_events` (`program_id`,`idempotency_key`);