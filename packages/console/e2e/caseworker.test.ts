/**
 * A caseworker's journeys through the console only, in Debian's headless Chromium against a real
 * server: every screen visited is screenshotted and checked with axe-core (no serious or critical
 * violation) and for CSP violations.
 */
import { describe, expect, it } from "vitest";
import { screen } from "./browser.ts";
import {
  eventLabel,
  openCaseFromRegister,
  sendEvent,
  server,
  setUpJourneys,
  signIn,
  submitRegistration,
  tab,
  waitForState,
} from "./journey.ts";

setUpJourneys();

let adultCase = "";

describe("caseworker journeys", () => {
  it("signs in, registers an adult and takes the case to closed (reintegrated); a refusal changes nothing", async () => {
    const t = await tab();
    const { page } = t;
    const login = await server.user("caseworker");
    await page.goto("/");
    await page.getByRole("heading", { name: "Sign in to Passerelle" }).waitFor();
    await screen(t, "adult", "sign-in");
    await signIn(page, login);
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await screen(t, "adult", "home");

    await openCaseFromRegister(page, { given: "Amara", family: "Demoson", birth: "1990-04-02" });
    await page.getByText("An adult, from the birth date.").waitFor();
    await screen(t, "adult", "register");
    adultCase = await submitRegistration(page);
    await waitForState(page, "identification.intake");
    await screen(t, "adult", "case-opened");

    // Consent through the consent section.
    await page.locator("section:has(#consents)").getByRole("button", { name: "Record consent" }).click();
    await page.getByLabel("What it covers").selectOption("referral");
    await page.getByLabel("Decision").selectOption("true");
    await page.getByLabel("How it was obtained").selectOption("written");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("referral: given").waitFor();

    await sendEvent(page, "SCREENING_COMPLETED", {
      outcome: "trafficking",
      exploitationType: ["SexualExploitation"],
    });
    await waitForState(page, "screening.reasonableGrounds");

    // The same kind of consent through the generated form of the built-in event.
    await sendEvent(page, "RECORD_CONSENT", { scope: "assistance", given: true, method: "written" });
    await page.getByText("assistance: given").waitFor();
    await sendEvent(page, "REASONABLE_GROUNDS_DECIDED", {
      traffickingStatus: "PossibleVictimOfTrafficking",
      decisionMakingOrg: "Police",
      accommodation: "community",
    });
    await waitForState(page, "assistance.planning");
    await sendEvent(page, "SUPPORT_PLAN_AGREED", { services: ["medical", "psychosocial"] });
    await waitForState(page, "assistance.support");
    await sendEvent(page, "START_LOCAL_INTEGRATION", { arrangement: "localIntegration" });
    await waitForState(page, "reintegration.planning");
    await sendEvent(page, "REINTEGRATION_PLAN_AGREED", { services: ["mentoring"] });
    await waitForState(page, "reintegration.monitoring");
    const revision = await page.locator("dt:has-text('Revision') + dd").textContent();

    // Refused: closing as reintegrated needs a monitoring visit that found the person on track.
    await sendEvent(page, "CLOSE_REINTEGRATED");
    const refusal = page.locator('[role="alert"][data-code="PASSERELLE_GUARD_FAILED"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      "Not possible yet: a condition is not met. Nothing was changed.",
    );
    // What is missing, in the pathway's own words (its labels), not field names.
    expect(await refusal.textContent()).toContain("Assessment must be Reintegration sustainable");
    await screen(t, "adult", "refused");
    expect(await page.locator("dt:has-text('Revision') + dd").textContent()).toBe(revision);
    const stored = await server.app.cases.getJson(adultCase);
    expect(JSON.parse(stored.toString()).revision).toBe(Number(revision));
    await waitForState(page, "reintegration.monitoring");

    await sendEvent(page, "MONITORING_VISIT_RECORDED", { visitOutcome: "onTrack", visitMode: "phone" });
    await page.getByText(`Done: ${eventLabel("MONITORING_VISIT_RECORDED")}.`).waitFor();
    await sendEvent(page, "CLOSE_REINTEGRATED");
    await waitForState(page, "closed.reintegrated");
    // Stage bar: closed is current; shelter and return were never entered.
    const stages = page.getByRole("list", { name: "Stages of the case" });
    expect(await stages.locator('[aria-current="step"]').textContent()).toContain("current");
    expect(await stages.locator(".stage.skipped").count()).toBe(2);
    await screen(t, "adult", "closed");

    // Identity: only after the deliberate step, gone when the page is left.
    await page.getByRole("button", { name: "Show identity…" }).click();
    await page.getByLabel("Why you need it (recorded in the audit log)").selectOption("followUp");
    await screen(t, "adult", "identity-ask");
    await page.getByRole("button", { name: "Show identity", exact: true }).click();
    await page.getByTestId("identity").getByText("Demoson").waitFor();
    await screen(t, "adult", "identity-shown");
    const reads = (
      await server.app.store.audit.list({ limit: 1000, targetType: "case", targetId: adultCase })
    ).filter((entry) => entry.action === "person.read");
    expect(reads.map((entry) => entry.reason)).toEqual(["followUp"]);
    await page.getByRole("link", { name: "My work" }).click();
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await page.getByRole("link", { name: adultCase }).waitFor();
    expect(await page.content()).not.toContain("Demoson");
    await page.getByRole("link", { name: adultCase }).click();
    await waitForState(page, "closed.reintegrated");
    expect(await page.getByTestId("identity").count()).toBe(0);
    expect(await page.content()).not.toContain("Demoson");

    // Sign-out revokes the token, which was never stored anywhere but memory.
    const storage = await page.evaluate(
      () => JSON.stringify({ ...localStorage, ...sessionStorage }) + location.href,
    );
    expect(t.tokens.size).toBe(1);
    const token = [...t.tokens][0]!;
    expect(storage).not.toContain(token);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    const after = await fetch(`${server.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("shows a name made of markup as text, and hides the identity when the tab is hidden", async () => {
    const t = await tab();
    const { page } = t;
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, await server.user("caseworker"));
    const markup = '<img src=x onerror="alert(1)">';
    await openCaseFromRegister(page, { given: markup, family: "Mockwell", birth: "1980-05-05" });
    await submitRegistration(page);
    await page.getByRole("button", { name: "Show identity…" }).click();
    await page.getByRole("button", { name: "Show identity", exact: true }).click();
    const identity = page.getByTestId("identity");
    await identity.getByText(markup).waitFor();
    expect(await identity.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    // The tab goes to the background (another person takes the laptop): the identity goes away.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await identity.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain("Mockwell");
  });

  it("a child's case (age uncertain) takes the child branch without waiting for consent", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("caseworker"));
    await openCaseFromRegister(page, { given: "Kojo", family: "Sampleton", uncertain: true });
    await page.getByText("The person will be treated as a child").waitFor();
    await screen(t, "child", "register");
    await submitRegistration(page);
    expect(await page.getByText("No consent recorded.").count()).toBe(1);
    await sendEvent(page, "SCREENING_COMPLETED", {
      outcome: "trafficking",
      exploitationType: ["ChildLabour"],
    });
    await waitForState(page, "screening.childAssessment.guardian");
    // A guardian's consent to share data names the guardian; the list never shows the name.
    const consents = page.locator("section:has(#consents)");
    await consents.getByRole("button", { name: "Record consent" }).click();
    await page.getByLabel("What it covers").selectOption("dataSharing");
    await page.getByLabel("How it was obtained").selectOption("guardian");
    await page.getByLabel("Guardian's name (confidential)").fill("Awa Placeholder");
    await page.getByLabel("Guardian's relationship to the child").selectOption("parent");
    await page.getByRole("button", { name: "Confirm" }).click();
    await consents.getByText("data sharing: given (through a guardian").waitFor();
    expect(await page.content()).not.toContain("Awa Placeholder");
    await screen(t, "child", "child-assessment");
  });

  it("a referral waits for an adult's consent, reaches the other agency's work list, and leaves it when revoked", async () => {
    const receiving = await server.user("caseworker", "dsw");
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("caseworker"));
    await openCaseFromRegister(page, { given: "Moussa", family: "Testarossa", birth: "1979-09-09" });
    const id = await submitRegistration(page);
    const referrals = page.locator("section:has(#referrals)");
    await referrals.getByLabel("Agency").selectOption("dsw");
    await referrals.getByLabel("Purpose of the referral (no personal data)").fill("psychosocial support");
    await referrals.getByRole("button", { name: "Refer" }).click();
    await referrals.locator('[data-code="PASSERELLE_CONSENT_REQUIRED"]').waitFor();
    expect(await referrals.getByText("Not referred to any agency.").count()).toBe(1);
    await screen(t, "referral", "refused");
    const consents = page.locator("section:has(#consents)");
    await consents.getByRole("button", { name: "Record consent" }).click();
    await page.getByLabel("What it covers").selectOption("referral");
    await page.getByRole("button", { name: "Confirm" }).click();
    await consents.getByText("referral: given").waitFor();
    await referrals.getByRole("button", { name: "Refer" }).click();
    await referrals.getByText("GH:dsw — with consent").waitFor();

    const other = await tab();
    await signIn(other.page, receiving);
    const inbox = other.page.locator("section:has(#referred-in)");
    await inbox.getByRole("link", { name: id }).waitFor();
    await screen(other, "referral", "receiving-home");

    // The owner withdraws the access, with a coded reason: the receiving agency loses the case at once.
    await referrals.getByLabel("Reason").selectOption("serviceCompleted");
    await referrals.getByRole("button", { name: "Withdraw access of GH:dsw" }).click();
    await referrals.getByText("(access withdrawn)").waitFor();
    await screen(t, "referral", "revoked");
    // The link it still shows from before now opens nothing: the case answers as if it did not exist.
    await inbox.getByRole("link", { name: id }).click();
    await other.page.locator('[role="alert"][data-code="PASSERELLE_CASE_NOT_FOUND"]').waitFor();
    await screen(other, "referral", "revoked-receiving");
  });

  it("two browsers on one case: the second submit gets the conflict view and overwrites nothing", async () => {
    const first = await tab();
    const second = await tab();
    await signIn(first.page, await server.user("caseworker"));
    await signIn(second.page, await server.user("caseworker"));
    await openCaseFromRegister(first.page, { given: "Fatou", family: "Fictiva", birth: "1985-01-01" });
    const id = await submitRegistration(first.page);
    await second.page.goto(`/#/cases/${id}`);
    await waitForState(second.page, "identification.intake");

    await sendEvent(first.page, "RECORD_CONSENT", { scope: "referral", given: true, method: "written" });
    await first.page.getByText("referral: given").waitFor();
    await sendEvent(second.page, "RECORD_CONSENT", { scope: "dataSharing", given: true, method: "oral" });
    const conflict = second.page.getByTestId("conflict");
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("revision 1 became 2");
    await second.page.getByText("referral: given").waitFor();
    await screen(second, "conflict", "second-browser");
    const history = await server.app.cases.history(id);
    expect(history.map((h) => h.eventType)).toEqual(["CASE_OPENED", "RECORD_CONSENT"]);
  });
});
