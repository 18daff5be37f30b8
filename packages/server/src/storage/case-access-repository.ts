/** Who may reach a case: what `policy/case-access.ts` reads before a case or task route runs. */

export interface CaseAccessRecord {
  caseId: string;
  country: string;
  /** The owning agency's code in the case's country; null: no owner. */
  agency: string | null;
  /** Agencies (`<country>:<code>`) holding a live referral grant. */
  grantedAgencyIds: string[];
}

export interface CaseAccessRepository {
  /** One read: the case and its live grants. */
  ofCase(caseId: string): Promise<CaseAccessRecord | undefined>;
  /** The case of a task, as `ofCase`. */
  ofTask(taskId: string): Promise<CaseAccessRecord | undefined>;
  /** Gives the case to another user of its agency; false when there is no such case. */
  setAssignee(caseId: string, assignee: string): Promise<boolean>;
}
