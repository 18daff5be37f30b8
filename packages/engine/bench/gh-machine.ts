/**
 * The Ghana pathway (GH@1) written by hand as a plain XState v5 machine: the same states and
 * transitions as `packages/definitions/pathways/GH/1.yaml`, with inline guards and no actions,
 * tasks or facts. The benchmark's baseline for what raw XState costs on this shape of machine.
 */
import { createMachine } from "xstate";

/** What the hand-written guards read, precomputed by the caller. */
export interface PlainEvent {
  type: string;
  data: Record<string, unknown>;
  minor: boolean;
  consent: Record<string, boolean>;
  facts: Record<string, unknown>;
  reflectionOver: boolean;
}

type Guard = (args: { event: PlainEvent }) => boolean;
const minor: Guard = ({ event }) => event.minor;
const adult: Guard = ({ event }) => !event.minor;
const consent =
  (scope: string): Guard =>
  ({ event }) =>
    event.consent[scope] === true;
const eq =
  (field: string, value: unknown): Guard =>
  ({ event }) =>
    event.data[field] === value;
const all =
  (...guards: Guard[]): Guard =>
  (args) =>
    guards.every((g) => g(args));
const any =
  (...guards: Guard[]): Guard =>
  (args) =>
    guards.some((g) => g(args));
const reflectionOverOrAsked = any(({ event }) => event.reflectionOver, eq("voluntaryRequest", true));
const shelterIn =
  (...values: string[]): Guard =>
  ({ event }) =>
    values.includes(event.data.shelter as string);

const admitToShelter = [
  {
    target: "#gh.shelter.childShelter",
    guard: all(minor, shelterIn("governmentChildShelter", "ngoChildShelter")),
  },
  {
    target: "#gh.shelter.adultShelter",
    guard: all(adult, shelterIn("governmentAdultShelter", "ngoAdultShelter")),
  },
];
const startReturn = [
  { target: "#gh.return.familyTracing", guard: all(minor, reflectionOverOrAsked) },
  { target: "#gh.return.preparation", guard: all(adult, consent("return"), reflectionOverOrAsked) },
];
const startLocalIntegration = [
  { target: "#gh.reintegration.planning", guard: adult },
  {
    target: "#gh.reintegration.planning",
    guard: all(
      minor,
      ({ event }) =>
        ["familyFoundUnsafe", "familyNotFound"].includes(event.facts.familyTracingResult as string),
      ({ event }) => ["alternativeCare", "fosterPlacement"].includes(event.data.arrangement as string),
    ),
  },
];
const inShelter = {
  on: {
    SUPPORT_PLAN_AGREED: {},
    FAMILY_TRACING_COMPLETED: {},
    LEAVE_SHELTER: [
      {
        target: "#gh.assistance.support",
        guard: ({ event }: { event: PlainEvent }) => event.facts.services !== undefined,
      },
      { target: "#gh.assistance.planning" },
    ],
    START_RETURN: startReturn,
    START_LOCAL_INTEGRATION: startLocalIntegration,
  },
};
const notClosed: Guard = () => true;

export const ghMachine = createMachine({
  id: "gh",
  types: {} as { events: PlainEvent },
  initial: "identification",
  on: {
    REFER_OUT: { target: "#gh.closed.referredOut", guard: all(notClosed, any(minor, consent("referral"))) },
    DECLINE_ASSISTANCE: [
      { target: "#gh.closed.declinedAssistance", guard: adult },
      { target: "#gh.closed.declinedAssistance", guard: all(minor, eq("guardianInformed", true)) },
    ],
    RECORD_LOST_CONTACT: { target: "#gh.closed.lostContact" },
    RECORD_DEATH: { target: "#gh.closed.deceased" },
    TRANSFER_TO_OTHER_COUNTRY: {
      target: "#gh.closed.transferred",
      guard: all(
        any(minor, consent("crossBorderTransfer")),
        eq("riskAssessmentDone", true),
        eq("receivingPartnerAccepted", true),
      ),
    },
    RECORD_COOPERATION: {},
    RECORD_CONSENT: {},
  },
  states: {
    identification: {
      initial: "intake",
      states: {
        intake: {
          on: {
            SCREENING_COMPLETED: [
              {
                target: "#gh.closed.referredOut",
                guard: all(
                  ({ event }) =>
                    ["smuggling", "gbv", "otherProtection", "notTrafficking"].includes(
                      event.data.outcome as string,
                    ),
                  ({ event }) => event.data.referredTo !== undefined,
                  any(minor, consent("referral")),
                ),
              },
              { target: "#gh.screening.childAssessment", guard: all(eq("outcome", "trafficking"), minor) },
              {
                target: "#gh.screening.reasonableGrounds",
                guard: all(eq("outcome", "trafficking"), consent("referral")),
              },
            ],
          },
        },
      },
    },
    screening: {
      initial: "reasonableGrounds",
      states: {
        childAssessment: {
          initial: "guardian",
          states: {
            guardian: {
              on: { GUARDIAN_APPOINTED: { target: "#gh.screening.childAssessment.bestInterests" } },
            },
            bestInterests: { on: { BEST_INTERESTS_ASSESSED: { target: "#gh.screening.reasonableGrounds" } } },
          },
        },
        reasonableGrounds: {
          on: {
            REASONABLE_GROUNDS_DECIDED: [
              {
                target: "#gh.shelter",
                guard: all(
                  eq("traffickingStatus", "PossibleVictimOfTrafficking"),
                  eq("accommodation", "shelter"),
                  any(minor, consent("assistance")),
                ),
              },
              {
                target: "#gh.assistance",
                guard: all(
                  eq("traffickingStatus", "PossibleVictimOfTrafficking"),
                  any(minor, consent("assistance")),
                ),
              },
              {
                target: "#gh.closed.referredOut",
                guard: all(
                  eq("traffickingStatus", "NotAVictimOfTrafficking"),
                  ({ event }) => event.data.referredTo !== undefined,
                  any(minor, consent("referral")),
                ),
              },
            ],
          },
        },
      },
    },
    shelter: {
      initial: "admission",
      states: {
        admission: { on: { ADMIT_TO_SHELTER: admitToShelter } },
        childShelter: inShelter,
        adultShelter: inShelter,
      },
    },
    assistance: {
      initial: "planning",
      on: { FAMILY_TRACING_COMPLETED: {}, ADMIT_TO_SHELTER: admitToShelter, COMPENSATION_RECORDED: {} },
      states: {
        planning: { on: { SUPPORT_PLAN_AGREED: { target: "#gh.assistance.support" } } },
        support: {
          on: {
            SUPPORT_PLAN_AGREED: {},
            START_RETURN: startReturn,
            START_LOCAL_INTEGRATION: startLocalIntegration,
          },
        },
      },
    },
    return: {
      initial: "preparation",
      on: { RETURN_CANCELLED: { target: "#gh.assistance.support" } },
      states: {
        familyTracing: {
          on: {
            FAMILY_TRACING_COMPLETED: [
              { target: "#gh.return.preparation", guard: eq("familyTracingResult", "familyFoundSafe") },
              { target: "#gh.assistance.support" },
            ],
          },
        },
        preparation: {
          on: {
            RETURN_COMPLETED: [
              { target: "#gh.reintegration.planning", guard: adult },
              {
                target: "#gh.reintegration.planning",
                guard: all(minor, ({ event }) => event.data.handover !== undefined),
              },
            ],
          },
        },
      },
    },
    reintegration: {
      initial: "planning",
      on: { COMPENSATION_RECORDED: {} },
      states: {
        planning: { on: { REINTEGRATION_PLAN_AGREED: { target: "#gh.reintegration.monitoring" } } },
        monitoring: {
          on: {
            MONITORING_VISIT_RECORDED: {},
            CLOSE_REINTEGRATED: {
              target: "#gh.closed.reintegrated",
              guard: ({ event }) => event.facts.visitOutcome === "onTrack",
            },
          },
        },
      },
    },
    closed: {
      initial: "reintegrated",
      states: {
        reintegrated: { type: "final" },
        declinedAssistance: { type: "final" },
        referredOut: { type: "final" },
        lostContact: { type: "final" },
        transferred: { type: "final" },
        deceased: { type: "final" },
      },
    },
  },
});
