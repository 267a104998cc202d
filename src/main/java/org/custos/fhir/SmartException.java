package org.custos.fhir;

/** A SMART sign-in that could not be made or used, in words a user can act on (never holding a token). */
public final class SmartException extends RuntimeException {
    public SmartException(String message) {
        super(message);
    }
}
