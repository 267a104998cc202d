package org.custos.fhir;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Credentials that cannot or must not be sent, and answers too large to read, against a small local HTTP server:
 * the failures a real FHIR server does not produce.
 */
class HardeningTest {
    private static final String TOKEN = "Bq7-very-secret-token-0815";
    private static final long MB = 1024 * 1024;
    private HttpServer server;
    private String base;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fhir/metadata", ex -> {
            requests.incrementAndGet();
            byte[] ok = "{\"resourceType\":\"CapabilityStatement\",\"fhirVersion\":\"3.0.2\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        // 40 MB of JSON (8 with ?small), announced (Content-Length) or streamed (chunked, length unknown until the end)
        server.createContext("/fhir/big", ex -> {
            requests.incrementAndGet();
            String q = String.valueOf(ex.getRequestURI().getQuery());
            long size = q.contains("small") ? 8 * MB : 40 * MB;
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(200, q.contains("chunked") ? 0 : size);
            writeJson(ex.getResponseBody(), size);
        });
        // 100 KB of gzip that expands to 100 MB
        server.createContext("/fhir/bomb", ex -> {
            requests.incrementAndGet();
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
                writeJson(gz, 100 * MB);
            }
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, z.size());
            ex.getResponseBody().write(z.toByteArray());
            ex.close();
        });
        // a history whose next page is on another host, and one whose next page is gone (404)
        server.createContext("/fhir/Consent/", ex -> {
            requests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            String next = path.contains("/foreign/") ? "https://evil.example.org/fhir?_getpages=x"
                    : "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir?_getpages=gone";
            String id = path.contains("/foreign/") ? "foreign" : "gone";
            byte[] ok = ("{\"resourceType\":\"Bundle\",\"type\":\"history\",\"link\":[{\"relation\":\"next\","
                    + "\"url\":\"" + next + "\"}],\"entry\":[{\"resource\":{\"resourceType\":\"Consent\",\"id\":\""
                    + id + "\",\"meta\":{\"versionId\":\"9\"},\"status\":\"active\"}}]}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        server.createContext("/fhir", ex -> {
            requests.incrementAndGet();
            byte[] gone = "{\"resourceType\":\"OperationOutcome\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
            ex.sendResponseHeaders(404, gone.length);
            ex.getResponseBody().write(gone);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    @Test
    void aHistoryPageOnAnotherServerIsNotFollowedAndALostPageIsAFailure() {
        ResourceWriter w = new ResourceWriter(new Fhir(), ServerProfile.of("t", base).withAuth(ServerProfile.AuthKind.BEARER, null, TOKEN));
        assertThatThrownBy(() -> w.history("Consent", "foreign", 100))
                .isInstanceOfSatisfying(FhirServerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FhirServerException.Kind.FOREIGN_LINK);
                    assertThat(everything(e)).doesNotContain(TOKEN);
                });
        // the first page was read; the second is gone: not "all of the history", but a failure
        int before = requests.get();
        assertThatThrownBy(() -> w.history("Consent", "gone", 100))
                .isInstanceOfSatisfying(FhirServerException.class, e -> assertThat(e.kind())
                        .isEqualTo(FhirServerException.Kind.NOT_FOUND));
        assertThat(requests.get() - before).as("both pages asked for").isEqualTo(2);
    }

    private void writeJson(OutputStream out, long size) {
        try (out) {
            byte[] head = "{\"resourceType\":\"Bundle\",\"x\":\"".getBytes(StandardCharsets.US_ASCII);
            out.write(head);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            long left = size - head.length - 2;
            while (left > 0) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
            }
            out.write("\"}".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the client stopped reading: as intended
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String everything(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private FhirHttp http(ServerProfile p, BodyLimits limits) {
        return new FhirHttp(p, RetryPolicy.ONCE, new Cancellation(), null, FhirHttp.newClient(p, limits));
    }

    // 1. secrets

    @Test
    void credentialsAHeaderCannotCarryAreRefusedByFieldNameNeverQuoted() {
        for (String bad : new String[]{TOKEN + "\r", TOKEN + "\n", TOKEN + "\r\n", "Bq7\tvery-secret-token",
                TOKEN + "\u0000", TOKEN + "\u20ac", TOKEN + "\u007f"}) {
            ServerProfile bearer = ServerProfile.of("x", base).withAuth(ServerProfile.AuthKind.BEARER, null, bad);
            assertThat(bearer.problems()).as(bad).singleElement().asString().contains("bearer token")
                    .doesNotContain(bad).doesNotContain("Bq7");
            ServerProfile basic = ServerProfile.of("x", base).withAuth(ServerProfile.AuthKind.BASIC, "officer", bad);
            assertThat(basic.problems()).as(bad).singleElement().asString().contains("password").doesNotContain("Bq7");
        }
        assertThat(ServerProfile.of("x", base).withAuth(ServerProfile.AuthKind.BASIC, "offi\rcer", TOKEN).problems())
                .singleElement().asString().contains("user name");
        // Latin-1 is what HTTP headers carry: allowed
        assertThat(ServerProfile.of("x", base).withAuth(ServerProfile.AuthKind.BASIC, "jürgen", "päss-wörd")
                .problems()).isEmpty();
    }

    @Test
    void fhirHttpSendsNothingWithSuchATokenAndItsExceptionDoesNotQuoteIt() {
        // FhirHttp does not rely on problems() having been asked
        ServerProfile p = ServerProfile.of("x", base).withAuth(ServerProfile.AuthKind.BEARER, null, TOKEN + "\r");
        FhirHttp h = http(p, BodyLimits.defaults());
        assertThatThrownBy(() -> h.getJson(h.at("metadata"))).isInstanceOf(FhirServerException.class)
                .hasMessageContaining("bearer token")
                .satisfies(e -> assertThat(((FhirServerException) e).kind()).isEqualTo(FhirServerException.Kind.UNSAFE))
                .satisfies(e -> assertThat(everything(e)).doesNotContain(TOKEN));
        assertThat(requests.get()).isZero();
    }

    @Test
    void theRedactorRemovesTheSecretItsPiecesAndItsBasicFormFromMessagesAndCauses() {
        ServerProfile p = ServerProfile.of("x", base).withAuth(ServerProfile.AuthKind.BASIC, "officer",
                TOKEN + "\r\nsecond-line");
        Redactor r = Redactor.of(p);
        String basic = java.util.Base64.getEncoder().encodeToString(("officer:" + TOKEN + "\r\nsecond-line")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.clean("invalid header value: Bearer " + TOKEN + "\r…")).doesNotContain(TOKEN)
                .contains(Redactor.MARK);
        assertThat(r.clean("got Basic " + basic)).doesNotContain(basic);
        assertThat(r.clean("the second-line was")).doesNotContain("second-line");
        assertThat(r.clean("nothing secret")).isEqualTo("nothing secret");

        IllegalArgumentException cause = new IllegalArgumentException("invalid header value: \"Bearer " + TOKEN + "\"");
        FhirServerException e = new FhirServerException(FhirServerException.Kind.REJECTED, 0, "failed: " + TOKEN,
                new IllegalStateException("wrapped", cause));
        FhirServerException clean = r.clean(e);
        assertThat(everything(clean)).doesNotContain(TOKEN).contains("IllegalArgumentException");
        assertThat(clean.kind()).isEqualTo(FhirServerException.Kind.REJECTED);
        assertThat(Redactor.none().clean("x " + TOKEN)).contains(TOKEN);
    }

    // 2. no credentials in the clear

    @Test
    void credentialsGoOverPlainHttpOnlyToThisMachineUnlessAllowed() {
        for (String local : new String[]{"http://127.0.0.1:8091/fhir", "http://localhost/fhir", "http://[::1]:80/fhir",
                "http://LOCALHOST:1/fhir", "http://127.1.2.3/fhir", "https://fhir.example.org/fhir"}) {
            assertThat(ServerProfile.of("x", local).withAuth(ServerProfile.AuthKind.BEARER, null, TOKEN).problems())
                    .as(local).isEmpty();
        }
        for (String remote : new String[]{"http://fhir.example.org/fhir", "http://10.0.0.5:8080/fhir",
                "http://127.0.0.1.example.org/fhir", "http://localhost.example.org/fhir", "HTTP://fhir.example.org"}) {
            ServerProfile p = ServerProfile.of("x", remote).withAuth(ServerProfile.AuthKind.BASIC, "u", TOKEN);
            assertThat(p.problems()).as(remote).singleElement().asString().contains("plain http")
                    .contains("allow insecure").doesNotContain(TOKEN);
            assertThat(p.withAllowInsecure(true).problems()).as(remote).isEmpty();
            // without credentials there is nothing to protect
            assertThat(ServerProfile.of("x", remote).problems()).as(remote).isEmpty();
        }
    }

    @Test
    void fhirHttpItselfRefusesToSendCredentialsInTheClear() {
        ServerProfile p = ServerProfile.of("x", "http://fhir.example.org/fhir")
                .withAuth(ServerProfile.AuthKind.BEARER, null, TOKEN);
        FhirHttp h = http(p, BodyLimits.defaults());
        assertThatThrownBy(() -> h.getJson(h.at("metadata"))).isInstanceOf(FhirServerException.class)
                .hasMessageContaining("Nothing was sent").hasMessageContaining("plain http");
        // allowed: it goes on (and fails only because the host does not exist)
        ServerProfile allowed = ServerProfile.of("x", "http://no-such-host.invalid/fhir")
                .withAuth(ServerProfile.AuthKind.BEARER, null, TOKEN).withAllowInsecure(true);
        FhirHttp h2 = http(allowed, BodyLimits.defaults());
        assertThatThrownBy(() -> h2.getJson(h2.at("metadata"))).hasMessageContaining("no-such-host.invalid")
                .hasMessageNotContaining("plain http");
    }

    // 3. bounded answers

    @Test
    void aBodyAboveTheLimitIsRefusedWithTheLimitAndHowToRaiseIt() {
        ServerProfile p = ServerProfile.of("x", base);
        FhirHttp small = http(p, new BodyLimits(MB, 4 * MB));
        for (String path : new String[]{"big", "big?chunked"}) {
            assertThatThrownBy(() -> small.getJson(small.at(path))).as(path).isInstanceOf(FhirServerException.class)
                    .hasMessageContaining("1 MB").hasMessageContaining("-Dcustos.http.maxBodyMb")
                    .satisfies(e -> assertThat(((FhirServerException) e).kind())
                            .isEqualTo(FhirServerException.Kind.TOO_LARGE));
        }
        // the same answer within a limit that allows it is read
        FhirHttp enough = http(p, new BodyLimits(9 * MB, 9 * MB));
        assertThat(enough.getJson(enough.at("big?small&chunked")).path("x").asText()).hasSize((int) (8 * MB) - 32);
    }

    @Test
    void aGzipBombIsStoppedAtTheExpandedLimit() {
        ServerProfile p = ServerProfile.of("x", base);
        FhirHttp h = http(p, new BodyLimits(MB, 8 * MB));
        assertThatThrownBy(() -> h.getJson(h.at("bomb"))).isInstanceOf(FhirServerException.class)
                .hasMessageContaining("expands to more than the limit of 8 MB")
                .hasMessageContaining("-Dcustos.http.maxExpandedMb")
                .satisfies(e -> assertThat(((FhirServerException) e).kind())
                        .isEqualTo(FhirServerException.Kind.TOO_LARGE));
        assertThat(requests.get()).as("not retried").isEqualTo(1);
    }

    @Test
    void limitsComeFromSystemPropertiesWithGenerousDefaults() {
        assertThat(BodyLimits.defaults()).isEqualTo(new BodyLimits(256 * MB, 1024 * MB));
        String old = System.getProperty(BodyLimits.BODY_PROPERTY);
        try {
            System.setProperty(BodyLimits.BODY_PROPERTY, "12");
            assertThat(BodyLimits.fromSystemProperties().maxBody()).isEqualTo(12 * MB);
            System.setProperty(BodyLimits.BODY_PROPERTY, "lots");
            assertThat(BodyLimits.fromSystemProperties().maxBody()).isEqualTo(256 * MB);
        } finally {
            if (old == null) {
                System.clearProperty(BodyLimits.BODY_PROPERTY);
            } else {
                System.setProperty(BodyLimits.BODY_PROPERTY, old);
            }
        }
    }
}
