import { useIntl } from "react-intl";

type Values = Record<string, string | number | boolean | Date | null | undefined>;

/** `t("home.title")`: a message of the current language (ICU syntax; ids are checked by a test). */
export function useT(): (id: string, values?: Values) => string {
  const intl = useIntl();
  return (id, values) => intl.formatMessage({ id }, values);
}
