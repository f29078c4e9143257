CREATE TABLE `enrollment_keys` (
	`program_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`member_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`program_id`, `idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`external_ref` text,
	`email` text,
	`phone` text,
	`birthday` text,
	`timezone` text NOT NULL,
	`referral_code` text NOT NULL,
	`referred_by` text,
	`enrolled_via` text NOT NULL,
	`enrolled_at` text NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_external_ref_idx` ON `members` (`program_id`,`external_ref`) WHERE "members"."external_ref" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `members_referral_code_idx` ON `members` (`referral_code`);--> statement-breakpoint
CREATE INDEX `members_program_enrolled_idx` ON `members` (`program_id`,`enrolled_at`,`id`);--> statement-breakpoint
CREATE TABLE `operator_requests` (
	`idempotency_key` text NOT NULL,
	`route` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`route`, `idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `programs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`preset` text NOT NULL,
	`config` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `venue_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`venue_id` text NOT NULL,
	`program_id` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`label` text,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`venue_id`) REFERENCES `venues`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `venue_keys_hash_idx` ON `venue_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `venue_keys_venue_idx` ON `venue_keys` (`venue_id`);--> statement-breakpoint
CREATE TABLE `venues` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`name` text NOT NULL,
	`timezone` text NOT NULL,
	`participates_in_coalition` integer NOT NULL,
	`earn_rate_per_dollar` real,
	`allow_cross_venue_redemption` integer NOT NULL,
	`max_cross_venue_redemption_percent` integer NOT NULL,
	`revenue_share_percent` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `venues_program_idx` ON `venues` (`program_id`);