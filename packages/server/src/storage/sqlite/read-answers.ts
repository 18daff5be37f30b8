/**
 * Reads answered with their response body: the case view or the page of cases, serialised by the
 * routes' own compiled serializers. The same code inline (the request thread) and in the reader
 * thread (`reader-thread.ts`).
 */
import { caseListPage, caseView } from "../../cases/case-service.ts";
import type { PathwayRegistry } from "../../pathways/pathway-registry.ts";
import { serializeCaseList, serializeCaseView } from "../../response-serializer.ts";
import type { ReadAnswer, ReadQuery } from "../case-store.ts";
import type { CaseReads } from "./case-reads.ts";

export function answerRead(reads: CaseReads, pathways: PathwayRegistry, query: ReadQuery): ReadAnswer {
  if (query.type === "case") {
    const aggregate = reads.getCase(query.caseId);
    if (!aggregate) return { found: false };
    return { found: true, json: serializeCaseView(caseView(pathways, aggregate, new Date(query.at))) };
  }
  return { found: true, json: serializeCaseList(caseListPage(reads.listCases(query.filter), query.filter)) };
}
