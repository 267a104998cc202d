package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** custos verify recomputes the Provenance list from the texts: a row or filter key changed outside Custos is found. */
class ProvenanceCheckTest {
    @TempDir
    Path dir;

    private List<String> verifyAfter(String... sql) throws Exception {
        try (Cache cache = Cache.open(dir.resolve("c" + System.nanoTime()))) {
            Importer importer = new Importer(cache, TestData.FHIR);
            for (String d : List.of("provenance", "provenance/contained")) {
                try (Stream<Path> s = Files.list(TestData.examples().resolve(d))) {
                    for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                        importer.importFile(f, Importer.SILENT);
                    }
                }
            }
            // a check kept for a row is derived data: it may be there or not
            ProvenanceStore.Row any = cache.provenance().page(ProvenanceStore.Filter.ALL, null, 1).get(0);
            cache.provenance().saveCheck(any.pk(), any.part(), "VALID", "test", null);
            try (Connection c = cache.connection(); Statement st = c.createStatement()) {
                for (String s : sql) {
                    assertThat(st.executeUpdate(s)).as(s).isPositive();
                }
            }
            return cache.verifier().run(null, () -> false, (d, t) -> { }).problems().stream()
                    .map(Verifier.Problem::line).toList();
        }
    }

    @Test
    void anUntouchedListIsIntact() throws Exception {
        assertThat(verifyAfter()).isEmpty();
    }

    @Test
    void aChangedRowAMissingRowAForgedRowAndAChangedKeyAreFound() throws Exception {
        assertThat(verifyAfter("UPDATE provenance_search SET targets = 'Consent/forged' WHERE prov_id = "
                + "'consent-signature'")).singleElement().asString().contains("Provenance/consent-signature")
                .contains("differs from what its text gives (targets)");
        assertThat(verifyAfter("DELETE FROM provenance_search WHERE container LIKE 'Task/%'"))
                .singleElement().asString().contains("Task/example1 (its contained Provenance 1)")
                .contains("row is missing");
        assertThat(verifyAfter("INSERT INTO provenance_search (pk, part, origin_id, prov_id, recorded, targets, "
                + "agents, entities, signatures) VALUES (999999, 0, 1, 'ghost', 0, '', '', '', 0)"))
                .singleElement().asString().contains("a row for no current Provenance");
        assertThat(verifyAfter("UPDATE provenance_ref SET k = 'g:practitioner/someone-else' WHERE k = "
                + "'g:patient/72'")).singleElement().asString().contains("filter keys differ");
    }
}
