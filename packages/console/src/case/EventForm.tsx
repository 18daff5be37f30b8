/**
 * The form of one event, generated from the JSON Schema (2020-12) the API returns in
 * `allowedEvents[].dataSchema`: typed fields, enums as choices, required marks, and validation in
 * the browser before anything is sent. Loaded lazily: rjsf is most of the console's code and the
 * home screen does not need it.
 */
// The package index also exports a test helper that imports the Ajv validator: import the form alone.
import Form from "@rjsf/core/lib/components/Form.js";
import type { RJSFSchema } from "@rjsf/utils";
import { useMemo } from "react";
import { useIntl } from "react-intl";
import { useT } from "../i18n/use-t.ts";
import { pick } from "../lib/labels.ts";
import type { FieldSpec } from "../lib/types.ts";
import { schemaValidator } from "./schema-validator.ts";

/**
 * Field titles and choice labels in the user's language from the pathway's own labels (the schema
 * carries the pathway's first language only, and bare enum values).
 */
function uiSchemaFor(fields: Record<string, FieldSpec>, language: string, languages: string[]) {
  const ui: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const entry: Record<string, unknown> = { "ui:title": pick(field.label, language, languages) };
    if (field.values && field.valueLabels) {
      const names = field.values.map((v) => pick(field.valueLabels?.[v], language, languages) || v);
      entry["ui:enumNames"] = names;
      entry.items = { "ui:enumNames": names };
    }
    ui[name] = entry;
  }
  return ui;
}

const VALIDATION_KEYWORDS = new Set(["required", "enum", "minLength", "maxLength", "format", "type"]);

export default function EventForm({
  type,
  schema,
  fields,
  languages,
  busy,
  onSubmit,
  onCancel,
}: {
  type: string;
  schema: Record<string, unknown>;
  fields: Record<string, FieldSpec>;
  languages: string[];
  busy: boolean;
  onSubmit(data: Record<string, unknown>): void;
  onCancel(): void;
}) {
  const t = useT();
  const intl = useIntl();
  const validator = useMemo(
    () =>
      schemaValidator((keyword) =>
        intl.formatMessage({
          id: VALIDATION_KEYWORDS.has(keyword) ? `validation.${keyword}` : "validation.other",
        }),
      ),
    [intl],
  );
  return (
    <Form
      schema={schema as RJSFSchema}
      validator={validator}
      idPrefix={`event-${type}`}
      noHtml5Validate
      showErrorList={false}
      liveValidate="onBlur"
      focusOnFirstError
      disabled={busy}
      uiSchema={{
        ...uiSchemaFor(fields, intl.locale, languages),
        "ui:submitButtonOptions": { submitText: t("event.send") },
      }}
      onSubmit={({ formData }) => onSubmit((formData ?? {}) as Record<string, unknown>)}
    >
      <div className="form-buttons">
        <button type="submit" disabled={busy}>
          {t("event.send")}
        </button>{" "}
        <button type="button" className="secondary" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </Form>
  );
}
