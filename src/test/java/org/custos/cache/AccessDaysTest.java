package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Day counts are built only for large patients: after a write (an import or a sync calls {@code prepare}) for the
 * ones written that reached the size, at a check for a large one not yet counted, never for a small one; and the
 * counts then follow every write.
 */
class AccessDaysTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static void write(Cache c, int origin, int from, int n, String patient) throws Exception {
        List<AuditStore.Item> items = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            ObjectNode t = (ObjectNode) M.readTree(AuditStoreTest.event(i, String.format("2024-01-%02dT10:00:00Z",
                    1 + i % 28), "u", patient, "R", "0", null));
            items.add(new AuditStore.Item(IncomingResource.of(t, null, "line " + i), AuditExtractor.extract(t)));
        }
        c.audit().upsert(origin, AuditStore.batch(origin, items));
    }

    private static String key(String patient) {
        return AuditStore.cut(AuditExtractor.key(ConsentStore.patientKey(patient)), 512);
    }

    @Test
    void onlyPatientsThatReachedTheSizeAreCountedAfterAWrite(@TempDir Path dir) throws Exception {
        try (Cache c = Cache.open(dir.resolve("c"))) {
            int origin = c.origins().idOf("files");
            write(c, origin, 0, 6, "big");
            write(c, origin, 100, 2, "small");
            AccessDays days = c.audit().accessDays();
            PatientAccess five = c.patientAccess().countingFrom(5);
            assertThat(five.prepare()).isEqualTo(1);
            assertThat(days.counted(key("Patient/big"))).isTrue();
            assertThat(days.counted(key("Patient/small"))).isFalse();
            // nothing written since: nothing to look at
            assertThat(five.prepare()).isZero();
            // the small one grows past the size: counted after the write that made it so
            write(c, origin, 200, 4, "small");
            assertThat(five.prepare()).isEqualTo(1);
            assertThat(days.counted(key("Patient/small"))).isTrue();
            // and the counts follow later writes
            write(c, origin, 300, 3, "big");
            try (var conn = c.connection(); var st = conn.createStatement();
                 var rs = st.executeQuery("SELECT SUM(n) FROM audit_access_day WHERE k = '" + key("Patient/big") + "'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(9);
            }
            assertThat(c.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }

    @Test
    void afterWritesOfVeryManyPatientsTheIndexIsSearchedForTheLargeOnes(@TempDir Path dir) throws Exception {
        try (Cache c = Cache.open(dir.resolve("c"))) {
            int origin = c.origins().idOf("files");
            write(c, origin, 0, 6, "big");
            write(c, origin, 100, 2, "small");
            AccessDays days = c.audit().accessDays();
            // more keys written than are remembered one by one (these have no rows: only the index tells)
            for (int i = 0; i <= 10_000; i++) {
                days.touched("Patient/many-" + i);
            }
            assertThat(c.patientAccess().countingFrom(5).prepare()).isEqualTo(1);
            assertThat(days.counted(key("Patient/big"))).isTrue();
            assertThat(days.counted(key("Patient/small"))).isFalse();
        }
    }

    @Test
    void theSizeIsAtLeastThatManyRowsAndBothWaysGiveTheSameGroups(@TempDir Path dir) throws Exception {
        try (Cache c = Cache.open(dir.resolve("c"))) {
            int origin = c.origins().idOf("files");
            write(c, origin, 0, 40, "p"); // 10:00 on days 1..28 of January 2024, some days twice
            AccessDays days = c.audit().accessDays();
            long jan5 = java.time.Instant.parse("2024-01-05T00:00:00Z").toEpochMilli();
            long jan9noon = java.time.Instant.parse("2024-01-09T12:00:00Z").toEpochMilli();
            long[] breaks = {jan5 + 10 * 3_600_000L, jan9noon};
            long from = java.time.Instant.parse("2024-01-02T10:00:00Z").toEpochMilli();
            long to = java.time.Instant.parse("2024-01-20T09:59:59.999Z").toEpochMilli();
            // 41 rows needed: 40 are fewer, so the groups come from the rows and nothing is counted
            List<PatientAccess.Group> fromRows = c.patientAccess().countingFrom(41).groups("Patient/p", null, from,
                    to, breaks);
            assertThat(days.counted(key("Patient/p"))).isFalse();
            // 40 needed: at least that many, so the day counts are built and used
            List<PatientAccess.Group> fromDays = c.patientAccess().countingFrom(40).groups("Patient/p", null, from,
                    to, breaks);
            assertThat(days.counted(key("Patient/p"))).isTrue();
            java.util.function.Function<List<PatientAccess.Group>, java.util.Map<Integer, Long>> bySegment = g ->
                    g.stream().collect(java.util.stream.Collectors.groupingBy(PatientAccess.Group::segment,
                            java.util.TreeMap::new, java.util.stream.Collectors.summingLong(PatientAccess.Group::count)));
            assertThat(bySegment.apply(fromRows)).isEqualTo(bySegment.apply(fromDays));
            // days 2..19 at 10:00 (and 20 excluded at 10:00), some twice: 3 segments, cut at 5 Jan 10:00 (that
            // event counts in segment 1) and at 9 Jan noon
            assertThat(bySegment.apply(fromRows).keySet()).containsExactly(0, 1, 2);
            assertThat(fromRows.stream().mapToLong(PatientAccess.Group::count).sum()).isEqualTo(
                    java.util.stream.IntStream.range(0, 40).filter(i -> 1 + i % 28 >= 2 && 1 + i % 28 <= 19).count());
        }
    }

    @Test
    void anImportCountsThePatientsItMadeLarge(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PatientAccess.COUNT_FROM; i++) {
            lines.add(AuditStoreTest.event(i, String.format("2024-01-%02dT%02d:00:00Z", 1 + i % 28, i % 24), "u",
                    "large", "R", "0", null));
        }
        for (int i = 0; i < 5; i++) {
            lines.add(AuditStoreTest.event(100_000 + i, "2024-02-01T10:00:00Z", "u", "small", "R", "0", null));
        }
        Path f = dir.resolve("events.ndjson");
        java.nio.file.Files.write(f, lines);
        try (Cache c = Cache.open(dir.resolve("c"))) {
            new org.custos.sync.Importer(c, org.custos.TestData.FHIR).importFile(f,
                    org.custos.sync.Importer.SILENT);
            assertThat(c.audit().accessDays().counted(key("Patient/large"))).as("counted when the import ended")
                    .isTrue();
            assertThat(c.audit().accessDays().counted(key("Patient/small"))).isFalse();
        }
    }

    @Test
    void aCheckOfASmallPatientCountsNothing(@TempDir Path dir) throws Exception {
        try (Cache c = Cache.open(dir.resolve("c"))) {
            int origin = c.origins().idOf("files");
            write(c, origin, 0, 3, "small");
            List<PatientAccess.Group> g = c.patientAccess().countingFrom(5).groups("Patient/small", null,
                    Long.MIN_VALUE, Long.MAX_VALUE, new long[0]);
            assertThat(g).extracting(PatientAccess.Group::count).containsExactly(3L);
            assertThat(c.audit().accessDays().counted(key("Patient/small"))).isFalse();
            // a large one (by this size) is counted at its check
            c.patientAccess().countingFrom(3).groups("Patient/small", null, Long.MIN_VALUE, Long.MAX_VALUE,
                    new long[0]);
            assertThat(c.audit().accessDays().counted(key("Patient/small"))).isTrue();
        }
    }
}
