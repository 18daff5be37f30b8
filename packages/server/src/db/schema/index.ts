export { caseHistory } from "./case-history.ts";
export { cases } from "./cases.ts";
export { consents } from "./consents.ts";
export { notifications, taskActions } from "./notifications.ts";
export { pathwayVersions } from "./pathway-versions.ts";
export { tasks } from "./tasks.ts";
