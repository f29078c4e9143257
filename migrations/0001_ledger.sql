CREATE TABLE `member_balances` (
	`member_id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`tier` text NOT NULL,
	`available` integer NOT NULL,
	`lifetime_points` integer NOT NULL,
	`lifetime_spend_cents` integer NOT NULL,
	`visits` integer NOT NULL,
	`debt` integer NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_balances_program_lifetime_idx` ON `member_balances` (`program_id`,`lifetime_points`);--> statement-breakpoint
CREATE TABLE `member_venue_stats` (
	`member_id` text NOT NULL,
	`venue_id` text NOT NULL,
	`program_id` text NOT NULL,
	`visits` integer NOT NULL,
	`spend_cents` integer NOT NULL,
	`last_seq` integer NOT NULL,
	PRIMARY KEY(`member_id`, `venue_id`)
);
--> statement-breakpoint
CREATE INDEX `member_venue_stats_venue_idx` ON `member_venue_stats` (`program_id`,`venue_id`);--> statement-breakpoint
CREATE TABLE `redemption_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`member_id` text NOT NULL,
	`redemption_id` text NOT NULL,
	`reward_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rewards` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`points_cost` integer NOT NULL,
	`value` real,
	`venue_id` text,
	`inventory` integer,
	`tiers` text,
	`days_of_week` text,
	`valid_from` text,
	`valid_to` text,
	`per_day_cap` integer,
	`per_member_cap` integer,
	`min_purchase_cents` integer,
	`active` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rewards_program_idx` ON `rewards` (`program_id`);--> statement-breakpoint
CREATE TABLE `settlements` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`redemption_id` text NOT NULL,
	`earning_venue_id` text NOT NULL,
	`redeeming_venue_id` text NOT NULL,
	`points` integer NOT NULL,
	`value_cents` integer NOT NULL,
	`fee_cents` integer NOT NULL,
	`at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `settlements_program_at_idx` ON `settlements` (`program_id`,`at_ms`);