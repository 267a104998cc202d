package org.custos.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.custos.demo.DemoGenerator;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Coding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The local server as a sync client sees it: plain HTTP, JSON, paging by {@code next} links, history. */
@ExtendWith(FhirServerExtension.class)
class LocalFhirServerTest {

    /** The server each test class was given: all must be the same one. */
    static final AtomicReference<LocalFhirServer> SHARED = new AtomicReference<>();

    static final int EVENTS = 300;
    static final long SEED = 7;

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    static Instant seededFrom;
    static DemoGenerator gen;

    @BeforeAll
    static void seed(LocalFhirServer server) {
        SHARED.compareAndSet(null, server);
        server.purge();
        seededFrom = Instant.now().minusSeconds(1);
        gen = new DemoGenerator(server.context(), SEED);
        LocalFhirServer.SeedResult r = server.seed(gen, EVENTS);
        System.out.printf(Locale.ROOT, "LocalFhirServer %s: started in %.1f s; seeded %d resources in %.1f s"
                + " (%.0f AuditEvents/s)%n", server.baseUrl(), server.startupTime().toMillis() / 1000.0,
            r.resources(), r.total().toMillis() / 1000.0, r.auditEventsPerSecond());
        assertThat(r.auditEvents()).isEqualTo(EVENTS);
        assertThat(r.consents()).isEqualTo(20);
        assertThat(r.provenances()).isEqualTo(20);
    }

    @Test
    void sharesTheOneServerOfThisJvm(LocalFhirServer server) {
        assertThat(SHARED.get()).isSameAs(server);
        assertThat(FhirServerExtension.serversStarted()).isEqualTo(1);
        assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/fhir");
    }

    @Test
    void metadataIsAnStu3CapabilityStatementWithTheSecurityResources(LocalFhirServer server) throws Exception {
        JsonNode cs = get(server.baseUrl() + "/metadata");
        assertThat(cs.path("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(cs.path("fhirVersion").asText()).startsWith("3.0.");
        List<String> types = new ArrayList<>();
        cs.path("rest").get(0).path("resource").forEach(r -> types.add(r.path("type").asText()));
        assertThat(types).contains("AuditEvent", "Consent", "Provenance", "Patient", "Practitioner");
    }

    @Test
    void pagesThroughAllAuditEventsByNextLinks(LocalFhirServer server) throws Exception {
        String url = server.baseUrl() + "/AuditEvent?_lastUpdated=ge" + enc(seededFrom.toString())
            + "&_sort=_lastUpdated&_count=100";
        Set<String> ids = new HashSet<>();
        List<Instant> lastUpdated = new ArrayList<>();
        int pages = 0;
        while (url != null) {
            JsonNode page = get(url);
            pages++;
            assertThat(page.path("type").asText()).isEqualTo("searchset");
            assertThat(page.path("entry").size()).isLessThanOrEqualTo(100);
            for (JsonNode e : page.path("entry")) {
                String id = e.path("resource").path("id").asText();
                if (id.startsWith("demo-" + SEED + "-")) {
                    assertThat(ids.add(id)).as("seen twice: " + id).isTrue();
                }
                lastUpdated.add(OffsetDateTime.parse(e.path("resource").path("meta").path("lastUpdated").asText())
                    .toInstant());
            }
            url = link(page, "next");
            if (url != null) {
                // next links point back at the address the request came in on, with HAPI's _getpages paging
                assertThat(url).startsWith(server.baseUrl() + "?_getpages=").contains("_getpagesoffset=");
            }
        }
        assertThat(ids).hasSize(EVENTS);
        assertThat(pages).isEqualTo(EVENTS / 100);
        assertThat(lastUpdated).isSorted();
        // one transaction Bundle of 500 entries per seeding step: its resources share one instant
        assertThat(new HashSet<>(lastUpdated)).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void typeHistorySincePagesByOffsetLinks(LocalFhirServer server) throws Exception {
        String url = server.baseUrl() + "/AuditEvent/_history?_since=" + enc(seededFrom.toString()) + "&_count=100";
        Set<String> ids = new HashSet<>();
        int pages = 0;
        while (url != null) {
            JsonNode page = get(url);
            pages++;
            assertThat(page.path("type").asText()).isEqualTo("history");
            for (JsonNode e : page.path("entry")) {
                String id = e.path("resource").path("id").asText();
                if (id.startsWith("demo-" + SEED + "-")) {
                    // version 1 was written with PUT, yet its entry says POST; no response element either
                    assertThat(e.path("request").path("method").asText()).isEqualTo("POST");
                    assertThat(e.path("request").path("url").asText()).isEqualTo("AuditEvent/" + id + "/_history/1");
                    assertThat(e.has("response")).isFalse();
                    ids.add(id);
                }
            }
            url = link(page, "next");
            if (url != null) {
                // history pages are not stored searches: each next link runs the query again at an offset
                assertThat(url).startsWith(server.baseUrl() + "/AuditEvent/_history?").contains("_offset=");
            }
            assertThat(pages).isLessThan(10);
        }
        assertThat(ids).hasSize(EVENTS);
    }

    @Test
    void pageSizesHaveADefaultAndACapThatCanBeChangedAtRuntime(LocalFhirServer server) throws Exception {
        assertThat(server.defaultPageSize()).isEqualTo(50);
        assertThat(server.maxPageSize()).isEqualTo(1000);
        assertThat(get(server.baseUrl() + "/AuditEvent").path("entry").size()).isEqualTo(50);
        assertThat(get(server.baseUrl() + "/AuditEvent?_count=5000").path("entry").size()).isEqualTo(EVENTS);
        server.setMaxPageSize(120);
        try {
            JsonNode page = get(server.baseUrl() + "/AuditEvent?_count=5000");
            assertThat(page.path("entry").size()).isEqualTo(120);
            assertThat(link(page, "next")).contains("_count=120");
        } finally {
            server.setMaxPageSize(LocalFhirServer.DEFAULT_MAX_PAGE_SIZE);
        }
    }

    @Test
    void typeHistorySinceShowsADeletion(LocalFhirServer server) throws Exception {
        AuditEvent doomed = new AuditEvent();
        doomed.setId("doomed-1");
        doomed.setType(new Coding("http://hl7.org/fhir/audit-event-type", "rest", "RESTful Operation"));
        doomed.setRecorded(new java.util.Date());
        server.client().update().resource(doomed).execute();
        // just after the create: the history since then holds the delete, not the create
        Instant since = server.client().read().resource(AuditEvent.class).withId("doomed-1").execute().getMeta()
            .getLastUpdated().toInstant().plusMillis(1);
        HttpResponse<String> del = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
            + "/AuditEvent/doomed-1")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(del.statusCode()).isEqualTo(200);

        JsonNode history = get(server.baseUrl() + "/AuditEvent/_history?_since=" + enc(since.toString()));
        assertThat(history.path("type").asText()).isEqualTo("history");
        assertThat(history.path("entry").size()).isEqualTo(1);
        JsonNode entry = history.path("entry").get(0);
        // the shape a sync client must handle: no resource, no response, the deleted version in request.url
        assertThat(entry.path("fullUrl").asText()).isEqualTo(server.baseUrl() + "/AuditEvent/doomed-1");
        assertThat(entry.path("request").path("method").asText()).isEqualTo("DELETE");
        assertThat(entry.path("request").path("url").asText()).isEqualTo("AuditEvent/doomed-1/_history/2");
        assertThat(entry.has("resource")).isFalse();
        assertThat(entry.has("response")).isFalse();
        System.out.println("history DELETE entry: " + entry);

        // gone from searches, still in the history of the resource
        assertThat(get(server.baseUrl() + "/AuditEvent?_id=doomed-1").path("entry").size()).isZero();
        assertThat(get(server.baseUrl() + "/AuditEvent/doomed-1/_history").path("entry").size()).isEqualTo(2);
    }

    @Test
    void seedsConsentsAndProvenance(LocalFhirServer server) throws Exception {
        assertThat(total(server, "/Consent?_summary=count")).isEqualTo(20);
        assertThat(total(server, "/Consent?status=active&_summary=count")).isEqualTo(7);
        assertThat(total(server, "/Consent?status=rejected&_summary=count")).isEqualTo(7);
        assertThat(total(server, "/Consent?status=inactive&_summary=count")).isEqualTo(6);
        assertThat(total(server, "/Provenance?_summary=count")).isEqualTo(20);
        assertThat(total(server, "/Provenance?target=AuditEvent/demo-" + SEED + "-74&_summary=count")).isEqualTo(1);
        assertThat(total(server, "/Patient?_summary=count")).isEqualTo(500);
        assertThat(total(server, "/Practitioner?_summary=count")).isEqualTo(50);
        // searches by agent and entity work because the references were resolved (placeholders where needed)
        assertThat(total(server, "/AuditEvent?agent=Practitioner/prac-001&_summary=count")).isPositive();
    }

    static int total(LocalFhirServer server, String path) throws IOException, InterruptedException {
        JsonNode b = get(server.baseUrl() + path);
        assertThat(b.has("total")).as(path).isTrue();
        return b.path("total").asInt();
    }

    static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "application/fhir+json").timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String link(JsonNode bundle, String relation) {
        for (JsonNode l : bundle.path("link")) {
            if (relation.equals(l.path("relation").asText())) {
                return l.path("url").asText();
            }
        }
        return null;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
