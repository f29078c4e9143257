import { PayoutIntentSchema, type PayoutIntent } from "../../domain/token-settlement/payout-intent";
import { chainSettlerName } from "../../durable-objects/chain-settler/settler-name";
import { callActor } from "../ledger/call-actor";
import { retryDelaySeconds } from "./retry-delay";

/**
 * The `loyalty-settlement` consumer: members' payout intents go to the ChainSettler, which batches
 * them. A message is acked only once the settler has stored it (the settler is idempotent by intent
 * id, so a redelivery is harmless); a message that is not an intent is acked and logged, since no
 * retry will ever make it one.
 */
export async function consumeSettlementIntents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const valid: { message: Message<unknown>; intent: PayoutIntent }[] = [];
  for (const message of batch.messages) {
    const parsed = PayoutIntentSchema.safeParse(message.body);
    if (parsed.success) valid.push({ message, intent: parsed.data });
    else {
      console.error(`settlement intents: message ${message.id} is not a payout intent (${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}); dropped`);
      message.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await callActor(env.CHAIN_SETTLER, chainSettlerName, (settler) => settler.acceptIntents(valid.map((item) => item.intent)));
    for (const { message } of valid) message.ack();
  } catch (error) {
    for (const { message } of valid) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      console.error(`settlement intents: the settler did not store message ${message.id}; retry ${message.attempts} in ${delaySeconds} s`, error);
      message.retry({ delaySeconds });
    }
  }
}
