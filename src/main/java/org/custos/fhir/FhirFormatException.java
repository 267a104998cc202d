package org.custos.fhir;

/** Text that is not a readable STU3 resource; the message says why. */
public final class FhirFormatException extends RuntimeException {
    public FhirFormatException(String message) {
        super(message);
    }

    public FhirFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
