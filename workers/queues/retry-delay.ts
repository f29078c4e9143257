export const retryDelayBaseSeconds = 5;
export const retryDelaySecondsMax = 600;

/**
 * Doubles the wait with each delivery attempt (5 s, 10 s, 20 s, … capped at 10 minutes), so a
 * message that waits for a deploy or a D1 incident is not spent in seconds: with max_retries = 10
 * it is retried for about 40 minutes before it goes to the dead-letter queue.
 */
export function retryDelaySeconds(attempts: number): number {
  const attempt = Math.max(1, Math.floor(attempts));
  return Math.min(retryDelaySecondsMax, retryDelayBaseSeconds * 2 ** Math.min(attempt - 1, 16));
}
