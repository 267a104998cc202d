package org.custos.cache;

/** A resource the cache cannot take, with the reason a person can act on. */
public final class InvalidResourceException extends RuntimeException {
    public InvalidResourceException(String reason) {
        super(reason);
    }
}
