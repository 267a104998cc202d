package org.custos.sync;

import org.custos.fhir.FhirHttp;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The server's clock during one sync run, which stamps {@code _lastUpdated}: read once from the HTTP Date of its
 * {@code metadata}, then followed with the local clock. Windows end by it, so a client clock ahead of the server's
 * by more than the overlap cannot leave gaps.
 */
final class ServerClock {
    private final Clock clock;
    private Long skew;

    ServerClock(Clock clock) {
        this.clock = clock;
    }

    /** The end of a new window: the server's "now", plus a second (the Date header counts whole seconds). */
    synchronized long windowEnd(FhirHttp http, Duration overlap, Consumer<String> notice) {
        if (skew == null) {
            long local = clock.millis();
            http.getJson(http.at("metadata"));
            Long server = http.lastServerTime();
            skew = server == null ? 0 : server - local;
            if (Math.abs(skew) > Math.max(60_000, overlap.toMillis() / 2)) {
                notice.accept("The server's clock is " + skew / 1000 + " s off this computer's; sync windows "
                        + "follow the server's clock.");
            }
        }
        return clock.millis() + skew + 1000;
    }
}
