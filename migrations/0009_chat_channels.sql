CREATE TABLE `chat_channel_members` (
	`program_id` text NOT NULL,
	`group_id` text NOT NULL,
	`member_id` text NOT NULL,
	PRIMARY KEY(`program_id`, `group_id`, `member_id`)
);
--> statement-breakpoint
CREATE INDEX `chat_channel_members_member_idx` ON `chat_channel_members` (`program_id`,`member_id`);--> statement-breakpoint
CREATE TABLE `chat_member_syncs` (
	`member_id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`tier` text NOT NULL,
	`synced_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_member_syncs_program_idx` ON `chat_member_syncs` (`program_id`);--> statement-breakpoint
CREATE TABLE `chat_announcements` (
	`id` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`text` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`program_id`) REFERENCES `programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `chat_announcement_deliveries` (
	`announcement_id` text NOT NULL,
	`group_id` text NOT NULL,
	`gate` text NOT NULL,
	`status` text NOT NULL,
	`random` integer NOT NULL,
	`attempts` integer NOT NULL,
	`claimed_until_ms` integer NOT NULL,
	`msg_seq` integer,
	`last_error` text,
	`sent_at_ms` integer,
	PRIMARY KEY(`announcement_id`, `group_id`)
);
--> statement-breakpoint
CREATE INDEX `chat_announcement_deliveries_status_idx` ON `chat_announcement_deliveries` (`status`,`claimed_until_ms`);
