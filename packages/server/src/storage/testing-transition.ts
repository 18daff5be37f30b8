/**
 * Test helper: the write of a transition into `state` — no tasks, consents or grants unless `extra`
 * adds them — with one personal field in its event data (`note`), so that tests can check it is
 * sealed at rest.
 */
import type { TransitionWrite } from "./records.ts";

export function transitionTo(
  state: string,
  at: string,
  extra: Partial<TransitionWrite> = {},
): TransitionWrite {
  return {
    snapshot: { state, facts: { step: state }, enteredAt: {} } as unknown as TransitionWrite["snapshot"],
    stage: state.split(".")[0]!,
    state,
    outcome: null,
    history: {
      eventType: "advance",
      data: { note: "private words", code: "A" },
      personalFields: ["note"],
      fromState: null,
      toState: state,
      actor: "user-1",
      at,
    },
    schedule: [],
    cancelStates: [],
    consents: [],
    endGrants: [],
    ...extra,
  };
}
