/**
 * The words of explanations, in the languages the shipped pathways use. The pathway gives the names
 * (state, field and value labels); these give the fixed vocabulary around them. A language missing
 * here falls back to English.
 */
import type { ConsentScope } from "@passerelle/definitions";

export interface Phrases {
  toGoTo: (target: string) => string;
  toRecordHere: string;
  is: (field: string, value: string) => string;
  isNot: (field: string, value: string) => string;
  isOneOf: (field: string, values: string) => string;
  isNotOneOf: (field: string, values: string) => string;
  compare: Record<"gt" | "gte" | "lt" | "lte", (field: string, value: string) => string>;
  recorded: (field: string) => string;
  notRecorded: (field: string) => string;
  minor: string;
  adult: string;
  consent: (scope: string) => string;
  elapsed: (duration: string, since: string) => string;
  notElapsed: (duration: string, since: string) => string;
  either: (alternatives: string[]) => string;
  and: (parts: string[]) => string;
  notThat: (condition: string) => string;
  itIsNot: string;
  /** Between where a branch goes and what it requires (French sets a space before a colon). */
  colon: string;
  yes: string;
  no: string;
  scopes: Record<ConsentScope, string>;
  workingDays: (n: number) => string;
}

/** "a, b, and c": the comma before the last part keeps each requirement (itself a clause) apart. */
function list(parts: string[], and: string): string {
  return parts.length < 2 ? parts.join("") : `${parts.slice(0, -1).join(", ")}, ${and} ${parts.at(-1)}`;
}

const en: Phrases = {
  toGoTo: (target) => `to go to ${target}`,
  toRecordHere: "to record it",
  is: (f, v) => `${f} must be ${v}`,
  isNot: (f, v) => `${f} must not be ${v}`,
  isOneOf: (f, v) => `${f} must be one of ${v}`,
  isNotOneOf: (f, v) => `${f} must not be one of ${v}`,
  compare: {
    gt: (f, v) => `${f} must be more than ${v}`,
    gte: (f, v) => `${f} must be at least ${v}`,
    lt: (f, v) => `${f} must be less than ${v}`,
    lte: (f, v) => `${f} must be at most ${v}`,
  },
  recorded: (f) => `${f} must be recorded`,
  notRecorded: (f) => `${f} must not be recorded yet`,
  minor: "the person must be a child (or of uncertain age)",
  adult: "the person must be an adult",
  consent: (scope) => `consent to ${scope} must be recorded`,
  elapsed: (d, since) => `${d} must have passed since ${since}`,
  notElapsed: (d, since) => `less than ${d} must have passed since ${since}`,
  either: (alts) => `either ${alts.slice(0, -1).join(", ")} or ${alts.at(-1)}`,
  and: (parts) => list(parts, "and"),
  notThat: (c) => `it must not be that ${c}`,
  itIsNot: "(it is not)",
  colon: ": ",
  yes: "yes",
  no: "no",
  scopes: {
    assistance: "assistance",
    referral: "referral",
    dataSharing: "data sharing",
    crossBorderTransfer: "cross-border transfer",
    return: "return",
    lawEnforcementContact: "contact with law enforcement",
  },
  workingDays: (n) => `${n} working days`,
};

const fr: Phrases = {
  toGoTo: (target) => `pour passer à ${target}`,
  toRecordHere: "pour l'enregistrer",
  is: (f, v) => `${f} doit être ${v}`,
  isNot: (f, v) => `${f} ne doit pas être ${v}`,
  isOneOf: (f, v) => `${f} doit être l'un de ${v}`,
  isNotOneOf: (f, v) => `${f} ne doit être aucun de ${v}`,
  compare: {
    gt: (f, v) => `${f} doit être supérieur à ${v}`,
    gte: (f, v) => `${f} doit être au moins ${v}`,
    lt: (f, v) => `${f} doit être inférieur à ${v}`,
    lte: (f, v) => `${f} doit être au plus ${v}`,
  },
  recorded: (f) => `${f} doit être enregistré`,
  notRecorded: (f) => `${f} ne doit pas encore être enregistré`,
  minor: "la personne doit être un enfant (ou d'âge incertain)",
  adult: "la personne doit être majeure",
  consent: (scope) => `le consentement ${scope} doit être enregistré`,
  elapsed: (d, since) => `${d} doivent s'être écoulés depuis ${since}`,
  notElapsed: (d, since) => `moins de ${d} doivent s'être écoulés depuis ${since}`,
  either: (alts) => `soit ${alts.join(", soit ")}`,
  and: (parts) => list(parts, "et"),
  notThat: (c) => `il ne doit pas être vrai que ${c}`,
  itIsNot: "(ce n'est pas le cas)",
  colon: " : ",
  yes: "oui",
  no: "non",
  // With their preposition: "à l'", "au" (à + le).
  scopes: {
    assistance: "à l'assistance",
    referral: "à l'orientation",
    dataSharing: "au partage de données",
    crossBorderTransfer: "au transfert transfrontalier",
    return: "au retour",
    lawEnforcementContact: "à un contact avec les forces de l'ordre",
  },
  workingDays: (n) => `${n} jours ouvrables`,
};

const vi: Phrases = {
  toGoTo: (target) => `để chuyển sang ${target}`,
  toRecordHere: "để ghi nhận",
  is: (f, v) => `${f} phải là ${v}`,
  isNot: (f, v) => `${f} không được là ${v}`,
  isOneOf: (f, v) => `${f} phải là một trong ${v}`,
  isNotOneOf: (f, v) => `${f} không được là một trong ${v}`,
  compare: {
    gt: (f, v) => `${f} phải lớn hơn ${v}`,
    gte: (f, v) => `${f} phải ít nhất là ${v}`,
    lt: (f, v) => `${f} phải nhỏ hơn ${v}`,
    lte: (f, v) => `${f} phải nhiều nhất là ${v}`,
  },
  recorded: (f) => `${f} phải được ghi nhận`,
  notRecorded: (f) => `${f} chưa được ghi nhận`,
  minor: "người đó phải là trẻ em (hoặc chưa rõ tuổi)",
  adult: "người đó phải là người trưởng thành",
  consent: (scope) => `phải ghi nhận sự đồng ý về ${scope}`,
  elapsed: (d, since) => `phải đã qua ${d} kể từ ${since}`,
  notElapsed: (d, since) => `phải chưa qua ${d} kể từ ${since}`,
  either: (alts) => `hoặc ${alts.join(", hoặc ")}`,
  and: (parts) => list(parts, "và"),
  notThat: (c) => `không được là: ${c}`,
  itIsNot: "(chưa đáp ứng)",
  colon: ": ",
  yes: "có",
  no: "không",
  scopes: {
    assistance: "hỗ trợ",
    referral: "chuyển tuyến",
    dataSharing: "chia sẻ dữ liệu",
    crossBorderTransfer: "chuyển giao qua biên giới",
    return: "hồi hương",
    lawEnforcementContact: "liên hệ với cơ quan thực thi pháp luật",
  },
  workingDays: (n) => `${n} ngày làm việc`,
};

const PHRASES: Record<string, Phrases> = { en, fr, vi };

export function phrasesFor(language: string): Phrases {
  return PHRASES[language] ?? en;
}
