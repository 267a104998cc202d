package org.custos.fhir;

import java.time.Duration;
import java.util.Random;

/**
 * How often and how long to wait when a server is busy or failing: exponential back-off with jitter, a server's
 * Retry-After honoured up to a cap, and a bound on the attempts after which the sync gives up and says so.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofMinutes(2));
    /** For "Test connection": one attempt, an answer at once. */
    public static final RetryPolicy ONCE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** The pause before attempt {@code attempt + 1} (attempt counts from 1), given the server's Retry-After. */
    public Duration delay(int attempt, Duration retryAfter, Random random) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        }
        long base = baseDelay.toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(base, maxDelay.toMillis());
        // "equal jitter": half fixed, half random, so many clients do not retry in step
        return Duration.ofMillis(capped / 2 + (long) (random.nextDouble() * (capped / 2.0)));
    }
}
