/**
 * Supervisors, languages, auditors, committees, admins, keyboard-only use and the idle sign-out, through
 * the console only, in Debian's headless Chromium against a real server: every screen visited is
 * screenshotted and checked with axe-core and for CSP violations.
 */
import { describe, expect, it } from "vitest";
import { stateLabels } from "../src/lib/labels.ts";
import { screen } from "./browser.ts";
import { gh, server, setUpJourneys, signIn, stateLabel, tab, tabTo, waitForState } from "./journey.ts";
import { PASSWORD } from "./server.ts";

setUpJourneys();

/** A case opened directly in the store, as another user would have: these journeys start from it. */
async function fixtureCase(daysAgo = 0) {
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  return server.app.cases.open(
    {
      country: "GH",
      person: { givenName: "Esi", familyName: "Nullard", birthDate: "1992-02-02", sex: "male" },
      identification: { date: at.toISOString().slice(0, 10), agency: "mogcsp", method: "hotline" },
    },
    "fixture",
    at,
  );
}

describe("other roles", () => {
  it("a supervisor snoozes and reassigns an overdue task, and reassigns the case", async () => {
    const opened = await fixtureCase(10);
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("supervisor"));
    const row = page.locator("section:has(#my-tasks) tr.overdue-row", { hasText: opened.id });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/overdue by \d+ days/);
    await screen(t, "supervisor", "home");
    await row.getByRole("link", { name: opened.id }).click();
    await waitForState(page, "identification.intake");
    await page.getByRole("button", { name: "Postpone" }).first().click();
    await page.getByLabel("Postpone by (working days)").fill("3");
    await page.getByLabel("Reason").fill("interpreter only available next week");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Task postponed.").waitFor();
    await page
      .locator(".cards li")
      .first()
      .getByText(/due in/)
      .waitFor();
    await page.getByRole("button", { name: "Reassign", exact: true }).first().click();
    await page.getByLabel("Role").selectOption("supervisor");
    await page.getByLabel("Agency (optional)").fill("mogcsp");
    await page.getByLabel("Reason").fill("caseworker on leave");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Task reassigned.").waitFor();
    await page.locator(".cards li").first().getByText("supervisor@mogcsp").waitFor();
    await screen(t, "supervisor", "task-reassigned");
    // And the case itself, to the supervisor (their own user id is the form's default).
    await page.getByRole("button", { name: "Reassign the case" }).click();
    await page.getByText("Case reassigned.").waitFor();
    expect(JSON.parse((await server.app.cases.getJson(opened.id)).toString()).assignee).toMatch(/^user_/);
    const task = (await server.app.store.tasks.get(opened.tasks[0]!.id))!;
    expect(task.assignee.role).toBe("supervisor");
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.now());
  });

  it("the language switch shows the same case in French and Vietnamese, and is remembered", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("caseworker"));
    const { id } = await fixtureCase();
    await page.goto(`/#/cases/${id}`);
    await waitForState(page, "identification.intake");
    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("heading", { name: `Dossier ${id}` }).waitFor();
    await page.getByRole("link", { name: "Mon travail" }).waitFor();
    await screen(t, "language", "case-fr");
    await page.getByLabel("Langue").selectOption("vi");
    await page.getByRole("heading", { name: `Hồ sơ ${id}` }).waitFor();
    await screen(t, "language", "case-vi");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("vi");
    await page.reload();
    await page.getByRole("heading", { name: "Đăng nhập Passerelle" }).waitFor();
  });

  it("an auditor sees the audit log and no case data", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("auditor", "hts"));
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.getByText("Every audit entry is intact and linked.").waitFor();
    await screen(t, "auditor", "audit-log");
    expect(await page.getByRole("link", { name: "Register a person" }).count()).toBe(0);
    const { id } = await fixtureCase();
    await page.goto(`/#/cases/${id}`);
    await page.locator('[data-code="PASSERELLE_CASE_NOT_FOUND"]').waitFor();
    await screen(t, "auditor", "case-refused");
    const text = (await page.textContent("body")) ?? "";
    expect(text).not.toContain(stateLabel("identification.intake"));
    expect(text).not.toContain("Nullard");
  });

  it("a committee member sees pathways, a version's states and diagram source, and statistics", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("committee", "hts"));
    await page.getByRole("heading", { name: "Pathways" }).waitFor();
    await page.getByRole("cell", { name: "GH" }).first().waitFor();
    await screen(t, "committee", "pathways");
    await page.goto(`/#/pathways/GH/${gh.version}?state=assistance.support`);
    await page.getByText("the case is here").waitFor();
    // The drawn diagram marks the same state.
    const marked = page.locator(".diagram .state.here text");
    await marked.waitFor();
    expect(await marked.textContent()).toBe(stateLabels(gh, "assistance.support", "en").at(-1));
    expect(await page.locator(".diagram .edge").count()).toBeGreaterThan(20);
    await page.getByText("Diagram source (Mermaid)").click();
    await page.locator(".mermaid-text", { hasText: "stateDiagram-v2" }).waitFor();
    await screen(t, "committee", "pathway-version");
    await page.getByRole("link", { name: "Statistics" }).click();
    await page.getByRole("heading", { name: "Statistics" }).waitFor();
    await page.getByText("Cases in GH").waitFor();
    await screen(t, "committee", "statistics");
  });
});

describe("a small phone", () => {
  it("shows the home and a case page at 360 px without sideways scrolling", async () => {
    const { id } = await fixtureCase();
    const t = await tab({ width: 360, height: 740 });
    const { page } = t;
    await signIn(page, await server.user("caseworker"));
    await page.getByRole("link", { name: id }).first().waitFor();
    await screen(t, "phone", "home");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.getByRole("link", { name: id }).first().click();
    await waitForState(page, "identification.intake");
    await screen(t, "phone", "case");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});

describe("keyboard only", () => {
  it("signs in, opens a case and sends an event without a pointer", async () => {
    const t = await tab();
    const { page } = t;
    const login = await server.user("caseworker");
    await page.goto("/");
    await page.getByLabel("Password").waitFor();
    await tabTo(page, "the login field", () => document.activeElement?.id === "login");
    await page.keyboard.type(login);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await tabTo(page, "the register link", () => document.activeElement?.textContent === "Register a person");
    await page.keyboard.press("Enter");
    await page.getByLabel("How the person was identified").waitFor();
    await tabTo(page, "the method", () => document.activeElement?.id === "method");
    await page.keyboard.press("ArrowDown");
    await tabTo(page, "the register button", () => document.activeElement?.textContent === "Register");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /^Case case_/ }).waitFor();
    await tabTo(page, "an event button", () => document.activeElement?.textContent === "Screening completed");
    await page.keyboard.press("Enter");
    await page.locator("#event-SCREENING_COMPLETED_outcome").waitFor();
    await tabTo(
      page,
      "the outcome",
      () => document.activeElement?.id === "event-SCREENING_COMPLETED_outcome",
    );
    await page.keyboard.press("ArrowDown");
    await tabTo(page, "the send button", () => document.activeElement?.textContent === "Send");
    await page.keyboard.press("Enter");
    await waitForState(page, "screening.childAssessment.guardian");
  });
});

describe("idle session", () => {
  it("an admin creates a caseworker with a password, who then signs in; a token is shown once and revoked", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("admin"));
    await page.getByRole("heading", { name: "Administration" }).waitFor();
    await page.getByRole("heading", { name: "Users of GH:mogcsp" }).waitFor();
    await screen(t, "admin", "administration");
    // A code the pathway does not name is refused with the valid ones listed.
    await page.getByLabel("Country (2-letter code, e.g. GH)").fill("GH");
    await page.getByLabel("Agency code in the country's pathway").fill("polcie-ahtu");
    await page.getByLabel("Name", { exact: true }).fill("Typo unit");
    await page.getByRole("button", { name: "Register an agency" }).click();
    const refused = page.locator('[data-code="PASSERELLE_AGENCY_NOT_IN_PATHWAY"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain("mogcsp");
    expect(await server.app.store.directory.getAgency("GH:polcie-ahtu")).toBeUndefined();

    await page.getByLabel("Login", { exact: true }).fill("kojo-made-by-admin");
    await page.getByLabel("Role").selectOption("caseworker");
    await page.getByLabel(/^Password \(12 characters/).fill(PASSWORD);
    await page.getByRole("button", { name: "Add a user" }).click();
    const row = page.getByRole("row", { name: /kojo-made-by-admin/ });
    await row.waitFor();
    await row.getByRole("button", { name: "Tokens of kojo-made-by-admin" }).click();
    await page.getByLabel("Valid for (days, 1 to 365)").fill("7");
    await page.getByRole("button", { name: "Issue a token" }).click();
    await page.getByText("it is shown only once").waitFor();
    const token = await page.getByLabel("New token (shown once)").inputValue();
    expect(token).toMatch(/^psr_/);
    await screen(t, "admin", "token-shown-once");
    const me = () =>
      fetch(`${server.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await me()).toBe(200);
    await page.getByRole("button", { name: /^Revoke tok_/ }).click();
    await page.getByRole("cell", { name: "revoked" }).waitFor();
    expect(await me()).toBe(401);
    await page.getByRole("button", { name: "Sign out" }).click();

    const second = await tab();
    await signIn(second.page, "kojo-made-by-admin");
    await second.page.getByRole("heading", { name: "My work" }).waitFor();
  });

  it("ends after the idle limit, says so, and revokes the token", async () => {
    const t = await tab();
    const { page } = t;
    await page.clock.install();
    await signIn(page, await server.user("caseworker"));
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await page.clock.fastForward("29:00");
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await page.clock.fastForward("02:00");
    await page.getByText("You were signed out after 30 minutes without activity").waitFor();
    await screen(t, "idle", "signed-out");
    const token = [...t.tokens][0]!;
    await expect
      .poll(
        async () =>
          (await fetch(`${server.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status,
      )
      .toBe(401);
  });
});
