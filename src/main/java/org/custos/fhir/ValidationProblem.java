package org.custos.fhir;

/**
 * One finding of {@link ResourceValidator}: plain values, no HAPI types.
 *
 * @param severity  how bad it is; only {@link Severity#ERROR} makes a resource invalid
 * @param location  FHIRPath of the element, e.g. {@code Consent.except[0].actor[0].reference}; the resource type
 *                  (e.g. {@code Consent}) for the resource as a whole; empty when the text could not be read at all
 * @param message   what is wrong, in the validator's words
 * @param line      1-based line in the text, or null when not known
 * @param column    1-based column in the text, or null when not known
 * @param messageId the validator's message id (e.g. {@code Terminology_TX_NoValid_16}), or null
 */
public record ValidationProblem(Severity severity, String location, String message, Integer line, Integer column,
                                String messageId) {

    public enum Severity { ERROR, WARNING, INFORMATION }

    public ValidationProblem {
        location = location == null ? "" : location;
        message = message == null ? "" : message;
        if (severity == null) {
            throw new IllegalArgumentException("severity is required");
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code 12:5}, or empty when the position is not known. */
    public String position() {
        if (line == null || line < 1) {
            return "";
        }
        return column == null || column < 1 ? String.valueOf(line) : line + ":" + column;
    }

    /** One line: {@code ERROR Consent.status (1:43): message}. */
    public String describe() {
        String where = location.isEmpty() ? "" : " " + location;
        String pos = position();
        return severity + where + (pos.isEmpty() ? "" : " (" + pos + ")") + ": " + message;
    }
}
