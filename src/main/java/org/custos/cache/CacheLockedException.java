package org.custos.cache;

/** The cache file is held by another process. */
public final class CacheLockedException extends CacheException {
    public CacheLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
