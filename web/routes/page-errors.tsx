import type { Context } from "hono";
import type { AppEnv } from "../../workers/app-env";
import { ApiError } from "../../workers/errors/api-error";
import { ErrorPage } from "../pages/error-page";

/** Pages fail in HTML, with the API's message in words; anything unexpected is logged and told plainly. */
export function renderPageError(error: Error, c: Context<AppEnv>) {
  const back = c.req.path.startsWith("/kiosk") ? { href: "/kiosk", label: "Back to the kiosk" } : { href: "/", label: "Back to your points" };
  if (error instanceof ApiError) return c.html(<ErrorPage title="That did not work" message={error.message} back={back} />, error.status);
  console.error("page failed", c.req.method, c.req.path, error);
  return c.html(<ErrorPage title="Something went wrong" message="The page could not be shown. Try again in a moment." back={back} />, 500);
}
