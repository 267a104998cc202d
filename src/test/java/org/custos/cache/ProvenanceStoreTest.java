package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Provenance list on a real H2 cache: every official example (JSON and XML) and the ones contained in other
 * resources are listed, each filter finds what it should, pages follow one another, and a check goes stale when its
 * target changes.
 */
class ProvenanceStoreTest {
    @TempDir
    static Path dir;
    static Cache cache;

    @BeforeAll
    static void importExamples() throws IOException {
        cache = Cache.open(dir.resolve("prov"));
        Importer importer = new Importer(cache, TestData.FHIR);
        for (String d : List.of("provenance", "provenance/contained")) {
            try (Stream<Path> s = Files.list(TestData.examples().resolve(d))) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    assertThat(importer.importFile(f, Importer.SILENT).quarantined()).as(f.toString()).isZero();
                }
            }
        }
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private static List<ProvenanceStore.Row> all(ProvenanceStore.Filter f) {
        return cache.provenance().page(f, null, 1000);
    }

    @Test
    void everyProvenanceIsListedTheContainedOnesWithTheirContainer() {
        List<ProvenanceStore.Row> rows = all(ProvenanceStore.Filter.ALL);
        // 5 distinct ids of their own (the XML files repeat the JSON ones; ProvenanceHeader is 'example' too, a
        // version of it) and 5 contained
        assertThat(rows).hasSize(10);
        assertThat(rows.stream().filter(r -> r.container() != null).map(ProvenanceStore.Row::container))
                .containsExactlyInAnyOrder("MedicationAdministration/medadmin0301", "MedicationDispense/meddisp0301",
                        "MedicationRequest/medrx0301", "ProcedureRequest/physiotherapy", "Task/example1");
        assertThat(rows).allSatisfy(r -> assertThat(r.part() == 0).isEqualTo(r.container() == null));
        assertThat(rows).isSortedAccordingTo((a, b) -> a.recorded() != b.recorded()
                ? Long.compare(b.recorded(), a.recorded()) : Long.compare(b.rk(), a.rk()));
        assertThat(cache.provenance().count(ProvenanceStore.Filter.ALL, 1000)).isEqualTo(10);
    }

    @Test
    void eachFilterFindsItsRows() {
        ProvenanceStore.Filter all = ProvenanceStore.Filter.ALL;
        assertThat(ids(new ProvenanceStore.Filter("consent/consent-example-signature", null, null, null, null, null,
                null, null))).containsExactly("consent-signature");
        // a versioned target is found by its type/id
        assertThat(ids(new ProvenanceStore.Filter("Procedure/example", null, null, null, null, null, null, null)))
                .containsExactly("example");
        assertThat(ids(new ProvenanceStore.Filter(null, "Practitioner/xcda-author", null, null, null, null, null,
                null))).contains("example");
        assertThat(ids(new ProvenanceStore.Filter(null, null, null, "DocumentReference/example", null, null, null,
                null))).contains("example");
        assertThat(ids(new ProvenanceStore.Filter(null, null, null, null, null, null, null,
                ProvenanceStore.SignatureStatus.SIGNED))).hasSize(all(all).stream()
                .filter(r -> r.signatures() > 0).toList().size()).contains("signature", "consent-signature");
        assertThat(all(new ProvenanceStore.Filter(null, null, null, null, null, null, null,
                ProvenanceStore.SignatureStatus.UNSIGNED))).allSatisfy(r -> assertThat(r.signatures()).isZero());
        // several reference filters together (the first drives the page, the others are conditions), with a period
        assertThat(ids(new ProvenanceStore.Filter("Procedure/example", "Practitioner/xcda-author", null, null, null,
                null, null, null))).containsExactly("example");
        assertThat(ids(new ProvenanceStore.Filter("Procedure/example", "Practitioner/someone-else", null, null, null,
                null, null, null))).isEmpty();
        ProvenanceStore.Row ex = all(new ProvenanceStore.Filter("Procedure/example", null, null, null, null, null,
                null, null)).get(0);
        assertThat(all(new ProvenanceStore.Filter(null, "Practitioner/xcda-author", null, null, ex.recorded(),
                ex.recorded(), null, null))).extracting(ProvenanceStore.Row::id).containsExactly("example");
        assertThat(all(new ProvenanceStore.Filter(null, "Practitioner/xcda-author", null, null, ex.recorded() + 1,
                null, null, null))).isEmpty();
        assertThat(cache.provenance().count(new ProvenanceStore.Filter(null, "Practitioner/xcda-author", null, null,
                null, null, null, null), 100)).isEqualTo(all(new ProvenanceStore.Filter(null,
                "Practitioner/xcda-author", null, null, null, null, null, null)).size());
        ProvenanceStore.Row newest = all(all).get(0);
        assertThat(all(new ProvenanceStore.Filter(null, null, null, null, newest.recorded(), null, null, null)))
                .allSatisfy(r -> assertThat(r.recorded()).isGreaterThanOrEqualTo(newest.recorded())).isNotEmpty();
        assertThat(all(new ProvenanceStore.Filter(null, null, null, null, null, null, "no-such-origin", null)))
                .isEmpty();
    }

    @Test
    void pagesFollowOneAnother() {
        List<ProvenanceStore.Row> paged = new ArrayList<>();
        Keyset after = null;
        while (true) {
            List<ProvenanceStore.Row> page = cache.provenance().page(ProvenanceStore.Filter.ALL, after, 3);
            paged.addAll(page);
            if (page.size() < 3) {
                break;
            }
            after = page.get(page.size() - 1).keyset();
        }
        assertThat(paged).containsExactlyElementsOf(all(ProvenanceStore.Filter.ALL));
        // oldest first: the same rows in the other order, page by page
        List<ProvenanceStore.Row> up = new ArrayList<>();
        after = null;
        while (true) {
            List<ProvenanceStore.Row> page = cache.provenance().page(ProvenanceStore.Filter.ALL, after, 4, true);
            up.addAll(page);
            if (page.size() < 4) {
                break;
            }
            after = page.get(page.size() - 1).keyset();
        }
        List<ProvenanceStore.Row> down = new ArrayList<>(all(ProvenanceStore.Filter.ALL));
        java.util.Collections.reverse(down);
        assertThat(up).containsExactlyElementsOf(down);
    }

    @Test
    void aCheckIsKeptAndGoesStaleWhenItsTargetChanges() throws IOException {
        // the MedicationRequest's contained Provenance targets ProcedureRequest/physiotherapy (cached: it contains a
        // Provenance too, whose own check goes when its container changes)
        ProvenanceStore.Row rx = row("MedicationRequest/");
        ProvenanceStore.Row pr = row("ProcedureRequest/");
        cache.provenance().saveCheck(rx.pk(), rx.part(), "CANNOT_VERIFY", "placeholder", null);
        cache.provenance().saveCheck(pr.pk(), pr.part(), "CANNOT_VERIFY", "placeholder too", "trust.pem");
        ProvenanceStore.Filter cannot = new ProvenanceStore.Filter(null, null, null, null, null, null, null,
                ProvenanceStore.SignatureStatus.CANNOT_VERIFY);
        assertThat(all(cannot)).hasSize(2).allSatisfy(r -> assertThat(r.check().stale()).isFalse());
        assertThat(all(new ProvenanceStore.Filter(null, null, null, null, null, null, null,
                ProvenanceStore.SignatureStatus.NOT_CHECKED))).noneMatch(r -> r.rk() == rx.rk() || r.rk() == pr.rk());
        String text = Files.readString(TestData.examples().resolve("provenance/contained/ProcedureRequest-physiotherapy"
                + ".json"));
        String changed = text.replaceFirst("\\{", "{\"meta\": {\"versionId\": \"2\", \"lastUpdated\": "
                + "\"2031-01-01T00:00:00Z\"}, \"priority\": \"urgent\",");
        Path f = Files.writeString(dir.resolve("pr2.json"), changed);
        assertThat(new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT).quarantined()).isZero();
        // the target changed: the MedicationRequest's check is stale; the ProcedureRequest's row is a new one
        assertThat(all(cannot)).singleElement().satisfies(r -> {
            assertThat(r.rk()).isEqualTo(rx.rk());
            assertThat(r.check().stale()).isTrue();
            assertThat(r.check().reasons()).isEqualTo("placeholder");
        });
        assertThat(row("ProcedureRequest/").check()).isNull();
        assertThat(all(ProvenanceStore.Filter.ALL)).hasSize(10);
    }

    @Test
    void aLaterVersionOfAContainerWithoutItsProvenanceReplacesIt() throws IOException {
        try (Cache c = Cache.open(dir.resolve("container-" + System.nanoTime()))) {
            Importer importer = new Importer(c, TestData.FHIR);
            Path rx = TestData.examples().resolve("provenance/contained/MedicationRequest-medrx0301.json");
            importer.importFile(rx, Importer.SILENT);
            assertThat(c.provenance().count(ProvenanceStore.Filter.ALL, 10)).isEqualTo(1);
            com.fasterxml.jackson.databind.node.ObjectNode v2 = (com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(rx.toFile());
            v2.remove("contained");
            v2.putObject("meta").put("versionId", "2").put("lastUpdated", "2031-01-01T00:00:00Z");
            Path f = Files.writeString(dir.resolve("rx2-" + System.nanoTime() + ".json"), v2.toString());
            importer.importFile(f, Importer.SILENT);
            // the newer version is current, and the list no longer shows the Provenance it dropped
            assertThat(c.provenance().count(ProvenanceStore.Filter.ALL, 10)).isZero();
            assertThat(c.resources().raw("MedicationRequest", "medrx0301")).get().asString().doesNotContain(
                    "\"contained\"");
        }
    }

    private static ProvenanceStore.Row row(String containerPrefix) {
        return all(ProvenanceStore.Filter.ALL).stream().filter(r -> r.container() != null
                && r.container().startsWith(containerPrefix)).findFirst().orElseThrow();
    }

    private static List<String> ids(ProvenanceStore.Filter f) {
        return all(f).stream().map(ProvenanceStore.Row::id).toList();
    }
}
