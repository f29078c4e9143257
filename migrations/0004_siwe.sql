CREATE TABLE `member_wallets` (
	`program_id` text NOT NULL,
	`address` text NOT NULL,
	`member_id` text NOT NULL,
	`linked_at` text NOT NULL,
	PRIMARY KEY(`program_id`, `address`)
);
--> statement-breakpoint
CREATE INDEX `member_wallets_member_idx` ON `member_wallets` (`member_id`);--> statement-breakpoint
CREATE TABLE `siwe_nonces` (
	`nonce` text PRIMARY KEY NOT NULL,
	`program_id` text NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`used_at_ms` integer
);
