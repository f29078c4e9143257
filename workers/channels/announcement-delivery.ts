import { sendGroupText } from "../tencent/chat-api";

/**
 * Sends an announcement's pending deliveries (issue 22), one send_group_msg per group. A delivery is
 * claimed for a minute first, so two consumers (a redelivered message, the cron's re-enqueue) do not
 * post it twice at once; a failed send is released at once and the message retried with backoff. A
 * crash after Tencent accepted a message and before D1 recorded it would post it again on the retry:
 * the delivery's fixed `Random` lets Tencent drop that repeat within its de-duplication window.
 */
const claimMs = 60_000;

/** Answers how many deliveries failed this time (the caller retries the message when any did). */
export async function deliverAnnouncement(env: Env, announcementId: string, nowMs: number = Date.now()): Promise<{ sent: number; failed: number }> {
  const announcement = await env.DB.prepare("SELECT text FROM chat_announcements WHERE id = ?").bind(announcementId).first<{ text: string }>();
  if (!announcement) return { sent: 0, failed: 0 };
  const claimed = await env.DB.prepare(
    "UPDATE chat_announcement_deliveries SET claimed_until_ms = ?, attempts = attempts + 1 WHERE announcement_id = ? AND status = 'pending' AND claimed_until_ms < ? RETURNING group_id, random",
  )
    .bind(nowMs + claimMs, announcementId, nowMs)
    .all<{ group_id: string; random: number }>();
  let sent = 0;
  let failed = 0;
  for (const delivery of claimed.results) {
    try {
      const { msgSeq } = await sendGroupText(env, delivery.group_id, announcement.text, delivery.random);
      await env.DB.prepare("UPDATE chat_announcement_deliveries SET status = 'sent', msg_seq = ?, sent_at_ms = ?, last_error = NULL WHERE announcement_id = ? AND group_id = ?")
        .bind(msgSeq, Date.now(), announcementId, delivery.group_id)
        .run();
      sent++;
    } catch (error) {
      failed++;
      await env.DB.prepare("UPDATE chat_announcement_deliveries SET claimed_until_ms = 0, last_error = ? WHERE announcement_id = ? AND group_id = ?")
        .bind(String(error).slice(0, 500), announcementId, delivery.group_id)
        .run();
    }
  }
  return { sent, failed };
}
