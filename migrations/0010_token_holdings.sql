CREATE TABLE `token_holdings` (
	`address` text PRIMARY KEY NOT NULL,
	`balance` text NOT NULL,
	`received` text NOT NULL,
	`sent` text NOT NULL,
	`balance_tokens` real NOT NULL,
	`received_tokens` real NOT NULL,
	`sent_tokens` real NOT NULL,
	`transfers` integer NOT NULL,
	`as_of_block` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_wallets_program_member_idx` ON `member_wallets` (`program_id`,`member_id`);
