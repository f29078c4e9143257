CREATE TABLE `reward_stock_levels` (
	`reward_id` text PRIMARY KEY NOT NULL,
	`claimed` integer NOT NULL,
	`days` text NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_redemption_codes` (
	`code` text NOT NULL,
	`program_id` text NOT NULL,
	`member_id` text NOT NULL,
	`redemption_id` text NOT NULL,
	`reward_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`program_id`, `code`)
);
--> statement-breakpoint
INSERT INTO `__new_redemption_codes`("code", "program_id", "member_id", "redemption_id", "reward_id", "created_at") SELECT "code", "program_id", "member_id", "redemption_id", "reward_id", "created_at" FROM `redemption_codes`;--> statement-breakpoint
DROP TABLE `redemption_codes`;--> statement-breakpoint
ALTER TABLE `__new_redemption_codes` RENAME TO `redemption_codes`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `redemption_codes_code_idx` ON `redemption_codes` (`code`);