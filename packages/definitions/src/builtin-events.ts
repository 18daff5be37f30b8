import type { EventSpec } from "./event.ts";
import { CONSENT_SCOPES } from "./stages.ts";

/**
 * Events every pathway understands without declaring them. A pathway must not declare an event with
 * one of these names.
 *
 * RECORD_CONSENT records informed consent (or its withdrawal) for one scope. It never changes the
 * state; the engine returns a `recordConsent` effect and the server stores the record, which guards
 * then read through `consent: <scope>`. Available in every state that is not closed.
 */
export const BUILTIN_EVENTS = {
  RECORD_CONSENT: {
    label: { en: "Record consent", fr: "Enregistrer le consentement", vi: "Ghi nhận sự đồng ý" },
    data: {
      scope: {
        type: "enum",
        values: [...CONSENT_SCOPES],
        required: true,
        label: { en: "Scope", fr: "Portée", vi: "Phạm vi" },
        personal: false,
      },
      given: {
        type: "boolean",
        required: true,
        label: {
          en: "Consent given (false = withdrawn)",
          fr: "Consentement donné (non = retiré)",
          vi: "Đồng ý (không = rút lại)",
        },
        personal: false,
      },
      method: {
        type: "enum",
        values: ["written", "oral", "guardian"],
        required: true,
        label: { en: "How it was obtained", fr: "Mode d'obtention", vi: "Cách thức" },
        personal: false,
      },
      interpreterUsed: {
        type: "boolean",
        required: false,
        label: { en: "Interpreter used", fr: "Interprète présent", vi: "Có phiên dịch" },
        personal: false,
      },
    },
  },
} as const satisfies Record<string, EventSpec>;

export type BuiltinEventType = keyof typeof BUILTIN_EVENTS;
export const isBuiltinEvent = (type: string): type is BuiltinEventType => Object.hasOwn(BUILTIN_EVENTS, type);
