package org.custos.sync;

import org.custos.fhir.ServerProfile;

import java.time.Duration;

/** The server profile the outbox tests send with: short connect timeout, a read timeout the test server meets. */
final class TestProfiles {
    private TestProfiles() {
    }

    static ServerProfile profile(String url) {
        return ServerProfile.of("t", url).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
    }
}
