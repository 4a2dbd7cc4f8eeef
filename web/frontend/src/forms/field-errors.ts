/** A form's error per field path ("settings.currencyName" → message), shared by useForm and the messages that translate them. */
export type FieldErrors = Record<string, string>;
