package org.custos.cache;

/** The cache cannot be opened with the key given (another key, no key for an encrypted file, or one for a plain one). */
public class CacheKeyException extends CacheException {
    public CacheKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
