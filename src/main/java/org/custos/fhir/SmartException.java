package org.custos.fhir;

/**
 * A SMART sign-in that could not be made or used, in words a user can act on (never holding a token).
 * {@link #refused()}: the authorization server said no (an OAuth error response: the grant is gone), as opposed to a
 * fault that may pass (unreachable, timeout, a broken answer).
 */
public final class SmartException extends RuntimeException {
    private final boolean refused;

    public SmartException(String message) {
        this(message, true);
    }

    public SmartException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    public boolean refused() {
        return refused;
    }
}
