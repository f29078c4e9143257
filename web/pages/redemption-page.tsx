import { raw } from "hono/html";
import { renderSVG } from "uqr";
import { Layout } from "../layout";
import { dateTime } from "../words/formatting";
import { memberNav, redemptionStatusWords } from "./member-nav";

type RedemptionProps = {
  redemption: { code: string; rewardId: string; status: string; updatedAt: string };
  rewardName: string;
  timezone: string;
  community: boolean;
};

/** A redemption's code as a QR code (drawn by uqr) and as text, and whether it was used. */
export function RedemptionPage({ redemption, rewardName, timezone, community }: RedemptionProps) {
  const status = redemption.status as keyof typeof redemptionStatusWords;
  return (
    <Layout title={`${rewardName}: your code`} nav={memberNav("/rewards", community)} scripts={status === "issued" ? ["redemption-status"] : []}>
      <section class="card center" data-code={redemption.code} data-status={status} id="redemption">
        <h1>{rewardName}</h1>
        <p>
          <span class={`badge ${status === "issued" ? "good" : ""}`} data-testid="redemption-status" role="status">
            {redemptionStatusWords[status]}
          </span>
        </p>
        {status === "issued" ? (
          <>
            <p>Show this code at the counter.</p>
            <figure role="img" aria-label={`QR code of ${redemption.code}`} class="qr-frame">
              {raw(renderSVG(redemption.code, { border: 2 }).replace("<svg ", '<svg class="qr" aria-hidden="true" '))}
            </figure>
          </>
        ) : status === "consumed" ? (
          <p>Used {dateTime(redemption.updatedAt, timezone)}. Enjoy!</p>
        ) : (
          <p>Cancelled {dateTime(redemption.updatedAt, timezone)}; the points went back to your balance.</p>
        )}
        <p class="code" data-testid="redemption-code">
          {redemption.code}
        </p>
        <a href="/">Back to your points</a>
      </section>
    </Layout>
  );
}
