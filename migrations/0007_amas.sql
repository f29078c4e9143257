CREATE TABLE `amas` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`title` text NOT NULL,
	`host_member_id` text NOT NULL,
	`starts_at_ms` integer NOT NULL,
	`planned_minutes` integer NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `amas_program_starts_idx` ON `amas` (`program_id`,`starts_at_ms`);--> statement-breakpoint
CREATE UNIQUE INDEX `amas_program_key_idx` ON `amas` (`program_id`,`idempotency_key`);