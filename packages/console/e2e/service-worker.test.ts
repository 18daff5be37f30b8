/**
 * The console's service worker in Debian's headless Chromium against a real server: after a first
 * load it answers the page itself (warm loads skip the page's round trip, and the sign-in screen
 * opens offline), and it never keeps an API answer — `/v1/` answers carry case data.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screen } from "./browser.ts";
import { server, setUpJourneys, signIn, tab, waitForState } from "./journey.ts";

setUpJourneys();

/** This origin's active service worker once it is ready (it has the shell in its cache by then), else "". */
async function workerActive(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const none = new Promise<undefined>((resolve) => setTimeout(resolve, 20_000));
    const registration = await Promise.race([navigator.serviceWorker.ready, none]);
    return registration?.active?.scriptURL ?? "";
  });
}

/** Every URL in this origin's Cache Storage, by cache. */
async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
}

describe("service worker", () => {
  it("answers the page from its cache after a first load, also with no network", async () => {
    const t = await tab();
    const { page } = t;
    const first = await page.goto("/");
    expect(first?.fromServiceWorker()).toBe(false);
    expect(await workerActive(page)).toBe(`${server.url}/sw.js`);

    const second = await page.goto("/");
    expect(second?.fromServiceWorker(), "the second load's page comes from the service worker").toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(
      `${server.url}/sw.js`,
    );
    await page.getByRole("heading", { name: "Sign in to Passerelle" }).waitFor();
    await screen(t, "service-worker", "sign-in-warm");

    // An intermittent network: the sign-in screen still opens, page and scripts from the cache.
    await t.context.setOffline(true);
    try {
      const offline = await page.goto("/");
      expect(offline?.fromServiceWorker()).toBe(true);
      await page.getByRole("heading", { name: "Sign in to Passerelle" }).waitFor();
      await page.getByLabel("Password").waitFor();
    } finally {
      await t.context.setOffline(false);
    }
  });

  it("keeps no API answer in its caches after a journey that reads a case and its person", async () => {
    const opened = await server.app.cases.open(
      {
        country: "GH",
        person: { givenName: "Efua", familyName: "Cachewell", birthDate: "1991-03-03", sex: "female" },
        identification: { date: "2026-11-30", agency: "mogcsp", method: "outreach" },
      },
      "fixture",
    );
    const t = await tab();
    const { page } = t;
    // A first load installs the worker; every later request of this journey goes past it.
    await page.goto("/");
    expect(await workerActive(page)).toBe(`${server.url}/sw.js`);
    const api: { path: string; fromServiceWorker: boolean }[] = [];
    page.on("response", (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith("/v1/")) api.push({ path, fromServiceWorker: response.fromServiceWorker() });
    });
    await signIn(page, await server.user("caseworker"));
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await page.getByRole("link", { name: opened.id }).first().click();
    await waitForState(page, "identification.intake");
    await page.getByRole("button", { name: "Show identity…" }).click();
    await page.getByLabel("Why you need it (recorded in the audit log)").selectOption("followUp");
    await page.getByRole("button", { name: "Show identity", exact: true }).click();
    await page.getByTestId("identity").getByText("Cachewell").waitFor();
    await page.waitForLoadState("networkidle");

    const urls = await cachedUrls(page);
    // The shell is there (so the check below looks at the worker's real caches)…
    expect(urls).toContain("/");
    expect(urls.some((url) => url.startsWith("/assets/"))).toBe(true);
    // …and nothing else: no API answer, no settings.
    expect(urls.filter((url) => url !== "/" && !url.startsWith("/assets/"))).toEqual([]);
    // Every API answer came from the network, none through the worker's cache.
    expect(api.map((a) => a.path)).toEqual(expect.arrayContaining([`/v1/cases/${opened.id}/person`]));
    expect(api.filter((a) => a.fromServiceWorker)).toEqual([]);
  });
});
