/**
 * The form of one event, generated from the JSON Schema (2020-12) the API returns in
 * `allowedEvents[].dataSchema`: typed fields, enums as choices, required marks, and validation in
 * the browser before anything is sent. Loaded lazily: rjsf and Ajv are most of the console's code
 * and the home screen does not need them.
 */
import Form from "@rjsf/core";
import type { RJSFSchema } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";
import { useT } from "../i18n/use-t.ts";

// The server's schemas are 2020-12 and carry the `x-personal` annotation (free text withheld from
// the history): a 2020-12 Ajv that knows the keyword.
const validator = customizeValidator({
  AjvClass: Ajv2020 as unknown as NonNullable<Parameters<typeof customizeValidator>[0]>["AjvClass"],
  ajvOptionsOverrides: { strict: false },
});

export default function EventForm({
  type,
  schema,
  busy,
  onSubmit,
  onCancel,
}: {
  type: string;
  schema: Record<string, unknown>;
  busy: boolean;
  onSubmit(data: Record<string, unknown>): void;
  onCancel(): void;
}) {
  const t = useT();
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
      uiSchema={{ "ui:submitButtonOptions": { submitText: t("event.send") } }}
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
