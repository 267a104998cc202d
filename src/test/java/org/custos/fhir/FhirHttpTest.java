package org.custos.fhir;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FhirHttpTest {
    private final FhirHttp http = new FhirHttp(ServerProfile.of("t", "https://fhir.example.org:8443/base/"),
            RetryPolicy.ONCE, new Cancellation(), null);

    @Test
    void linksToTheSameServerAreFollowedAndOthersRefused() {
        assertThat(http.link("https://fhir.example.org:8443/base?_getpages=abc&_getpagesoffset=10"))
                .isEqualTo(URI.create("https://fhir.example.org:8443/base?_getpages=abc&_getpagesoffset=10"));
        assertThat(http.link("https://FHIR.example.org:8443/other")).hasHost("FHIR.example.org");
        assertThat(http.link("/base/AuditEvent?page=2")).hasPort(8443);
        assertThat(http.link("AuditEvent?page=2"))
                .isEqualTo(URI.create("https://fhir.example.org:8443/base/AuditEvent?page=2"));
        for (String foreign : new String[]{"https://evil.example.org:8443/base?_getpages=x",
                "https://fhir.example.org/base?_getpages=x", "http://fhir.example.org:8443/base?_getpages=x"}) {
            assertThatThrownBy(() -> http.link(foreign)).isInstanceOf(FhirServerException.class)
                    .hasMessageContaining("does not follow")
                    .satisfies(e -> assertThat(((FhirServerException) e).kind())
                            .isEqualTo(FhirServerException.Kind.FOREIGN_LINK));
        }
    }

    @Test
    void defaultPortsCountAsTheSameOrigin() {
        assertThat(FhirHttp.sameOrigin(URI.create("https://a.org/x"), URI.create("https://a.org:443/y"))).isTrue();
        assertThat(FhirHttp.sameOrigin(URI.create("http://a.org/x"), URI.create("http://a.org:80/y"))).isTrue();
        assertThat(FhirHttp.sameOrigin(URI.create("http://a.org/x"), URI.create("https://a.org:80/y"))).isFalse();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsADate() {
        assertThat(FhirHttp.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(FhirHttp.retryAfter(null)).isNull();
        assertThat(FhirHttp.retryAfter("soon")).isNull();
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        assertThat(FhirHttp.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(FhirHttp.retryAfter("Mon, 01 Jan 2001 00:00:00 GMT")).isEqualTo(Duration.ZERO);
    }

    @Test
    void backOffGrowsWithJitterAndHonoursRetryAfterUpToItsCap() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(30));
        Random r = new Random(1);
        for (int attempt = 1; attempt <= 6; attempt++) {
            long expected = Math.min(1000L << (attempt - 1), 8000);
            assertThat(p.delay(attempt, null, r).toMillis()).isBetween(expected / 2, expected);
        }
        assertThat(p.delay(1, Duration.ofSeconds(3), r)).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.delay(1, Duration.ofHours(1), r)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anUnknownHostIsNamed() {
        FhirHttp h = new FhirHttp(ServerProfile.of("t", "http://no-such-host.invalid/fhir"), RetryPolicy.ONCE,
                new Cancellation(), null);
        assertThatThrownBy(() -> h.getJson(h.at("metadata"))).isInstanceOf(FhirServerException.class)
                .hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void aCancelledRequestStopsAtOnce() {
        Cancellation c = new Cancellation();
        c.cancel();
        FhirHttp h = new FhirHttp(ServerProfile.of("t", "http://127.0.0.1:9/fhir"), RetryPolicy.DEFAULT, c, null);
        assertThatThrownBy(() -> h.getJson(h.at("metadata")))
                .satisfies(e -> assertThat(((FhirServerException) e).kind())
                        .isEqualTo(FhirServerException.Kind.CANCELLED));
    }

    @Test
    void profilesSayWhatIsWrongWithThem() {
        assertThat(ServerProfile.of("x", "https://a.org/fhir").problems()).isEmpty();
        assertThat(ServerProfile.of("", "ftp://a.org").problems()).hasSize(2);
        assertThat(ServerProfile.of("x", "https://a.org").withAuth(ServerProfile.AuthKind.BASIC, "", "").problems())
                .anyMatch(p -> p.contains("user name")).anyMatch(p -> p.contains("password"));
        assertThat(ServerProfile.of("x", "https://a.org").withPaging(5000, java.util.Set.of("Observation"), 0)
                .problems()).anyMatch(p -> p.contains("1000")).anyMatch(p -> p.contains("'Observation'"));
        assertThat(ServerProfile.of("x", "https://a.org/fhir///").baseUrl()).isEqualTo("https://a.org/fhir");
        assertThat(ServerProfile.of("x", "https://me:pw@a.org/fhir").problems())
                .singleElement().asString().contains("not in the base URL");
        assertThat(ServerProfile.of("x", "https://a.org").withAuth(ServerProfile.AuthKind.BEARER, null, "s3cret")
                .toString()).doesNotContain("s3cret");
    }
}
