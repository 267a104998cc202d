package org.custos.fhir;

/** A FHIR server could not be used, with a message a user can act on. */
public final class FhirServerException extends RuntimeException {
    /** What went wrong; decides whether trying again can help. */
    public enum Kind {
        UNREACHABLE, TLS, TIMEOUT, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, GONE, THROTTLED, SERVER_ERROR, BAD_RESPONSE,
        NOT_FHIR, WRONG_VERSION, FOREIGN_LINK, REJECTED, CANCELLED,
        /** An answer larger than {@link BodyLimits} allows. */
        TOO_LARGE,
        /** Custos sent nothing: the credentials cannot go into a header, or would go unencrypted to another host. */
        UNSAFE;

        /** Worth another attempt after a pause. */
        public boolean transientFault() {
            return this == TIMEOUT || this == THROTTLED || this == SERVER_ERROR || this == BAD_RESPONSE;
        }
    }

    private final Kind kind;
    private final int status;
    private final transient java.time.Duration retryAfter;

    public FhirServerException(Kind kind, int status, String message) {
        this(kind, status, message, null, null);
    }

    public FhirServerException(Kind kind, int status, String message, Throwable cause) {
        this(kind, status, message, cause, null);
    }

    public FhirServerException(Kind kind, int status, String message, Throwable cause, java.time.Duration retryAfter) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** How long the server asked us to wait (Retry-After), or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was no response. */
    public int status() {
        return status;
    }
}
