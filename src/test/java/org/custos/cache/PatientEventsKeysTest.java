package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A patient's events under several patient-index keys (the reference and identifier values): each event once, counted
 * per origin, one origin's alone when asked.
 */
class PatientEventsKeysTest {
    private static final ObjectMapper M = new ObjectMapper();

    /** An event whose patient entities are {@code entities} (JSON). */
    private static String event(String id, String recorded, String entities) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"code\":\"rest\"},\"action\":\"R\","
                + "\"recorded\":\"" + recorded + "\",\"agent\":[{\"requestor\":true,\"userId\":{\"value\":\"u\"}}],"
                + "\"source\":{\"identifier\":{\"value\":\"ehr\"}},\"entity\":[" + entities + "]}";
    }

    private static String byRef(String ref) {
        return "{\"reference\":{\"reference\":\"" + ref + "\"},\"role\":{\"code\":\"1\"}}";
    }

    private static String byIdentifier(String value) {
        return "{\"identifier\":{\"value\":\"" + value + "\"},\"role\":{\"code\":\"1\"}}";
    }

    private static void write(Cache c, String origin, String... events) throws Exception {
        int o = c.origins().idOf(origin);
        List<AuditStore.Item> items = new ArrayList<>();
        int i = 0;
        for (String e : events) {
            ObjectNode t = (ObjectNode) M.readTree(e);
            items.add(new AuditStore.Item(IncomingResource.of(t, null, "line " + i++), AuditExtractor.extract(t)));
        }
        c.audit().upsert(o, AuditStore.batch(o, items));
    }

    @Test
    void eachEventOnceUnderAnyOfTheKeysPerOrigin(@TempDir Path dir) throws Exception {
        try (Cache c = Cache.open(dir.resolve("c"))) {
            write(c, "files",
                    event("r1", "2024-01-01T10:00:00Z", byRef("Patient/p1")),
                    // names the patient twice: by reference and, in a second entity, by identifier only
                    event("both", "2024-01-02T10:00:00Z", byRef("Patient/p1") + "," + byIdentifier("MRN-1")),
                    event("i1", "2024-01-03T10:00:00Z", byIdentifier("MRN-1")),
                    event("else", "2024-01-04T10:00:00Z", byRef("Patient/p2")));
            write(c, "other", event("o1", "2024-01-05T10:00:00Z", byRef("http://x.org/fhir/Patient/p1/_history/2")));
            PatientEvents pe = c.patientEvents();
            assertThat(PatientEvents.referenceKey("p1")).isEqualTo("patient/p1");
            assertThat(PatientEvents.referenceKey("http://x.org/fhir/Patient/p1")).isEqualTo("patient/p1");
            assertThat(PatientEvents.identifierKey(" MRN-1 ")).isEqualTo("mrn-1");
            List<String> keys = List.of(PatientEvents.referenceKey("Patient/p1"), PatientEvents.identifierKey("MRN-1"));
            int files = c.origins().find("files").orElseThrow().id();
            int other = c.origins().find("other").orElseThrow().id();

            assertThat(pe.countByOrigin(keys, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(Map.of(files, 3L, other, 1L));
            assertThat(pe.countByOrigin(List.of(keys.get(1)), Long.MIN_VALUE, Long.MAX_VALUE))
                    .isEqualTo(Map.of(files, 2L));
            long jan2 = java.time.Instant.parse("2024-01-02T00:00:00Z").toEpochMilli();
            assertThat(pe.countByOrigin(keys, jan2, jan2 + 86_400_000L - 1)).isEqualTo(Map.of(files, 1L));
            assertThat(pe.countByOrigin(List.of(), Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty();

            List<String> ids = new ArrayList<>();
            long n = pe.forEach(keys, files, Long.MIN_VALUE, Long.MAX_VALUE, () -> false, e -> ids.add(e.id()));
            assertThat(ids).containsExactlyInAnyOrder("r1", "both", "i1");
            assertThat(n).isEqualTo(3);
            ids.clear();
            pe.forEach(keys, null, Long.MIN_VALUE, Long.MAX_VALUE, () -> false, e -> ids.add(e.id()));
            assertThat(ids).containsExactlyInAnyOrder("r1", "both", "i1", "o1");
            // the one-patient form is unchanged: the reference only
            ids.clear();
            pe.forEach("Patient/p1", files, Long.MIN_VALUE, Long.MAX_VALUE, () -> false, e -> ids.add(e.id()));
            assertThat(ids).containsExactlyInAnyOrder("r1", "both");
        }
    }
}
