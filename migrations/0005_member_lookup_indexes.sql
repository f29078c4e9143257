CREATE INDEX `members_program_email_idx` ON `members` (`program_id`,lower("email"),`enrolled_at`,`id`);--> statement-breakpoint
CREATE INDEX `members_program_phone_idx` ON `members` (`program_id`,`phone`,`enrolled_at`,`id`);
