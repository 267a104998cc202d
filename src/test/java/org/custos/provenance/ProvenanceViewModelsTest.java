package org.custos.provenance;

import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.custos.ui.TaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Provenance screens' view models without a screen, on a real H2 cache holding every official example: the
 * list's filters, the detail's fields and verdicts, opening what a Provenance points at, signing, the graph's words.
 */
class ProvenanceViewModelsTest {
    @TempDir
    Path dir;
    Cache cache;
    final TaskRunner tasks = new ImmediateTaskRunner();
    final List<String[]> eventsAbout = new ArrayList<>();
    Path remembered;
    ProvenanceListViewModel list;
    ProvenanceDetailViewModel detail;
    ProvenanceGraphViewModel graph;

    @BeforeEach
    void open() throws IOException {
        cache = Cache.open(dir.resolve("vm"));
        Importer importer = new Importer(cache, TestData.FHIR);
        for (String d : List.of("provenance", "provenance/contained", "consent")) {
            try (Stream<Path> s = Files.list(TestData.examples().resolve(d))) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    importer.importFile(f, Importer.SILENT);
                }
            }
        }
        ProvenanceReview review = new ProvenanceReview(cache);
        graph = new ProvenanceGraphViewModel(review, tasks);
        detail = new ProvenanceDetailViewModel(review, tasks, json -> "<xml/>", new ProvenanceDetailViewModel
                .TrustSettings() {
            @Override
            public Optional<Path> path() {
                return Optional.empty();
            }

            @Override
            public void remember(Path file) {
                remembered = file;
            }
        }, (entity, origin) -> eventsAbout.add(new String[]{entity, origin})).graph(graph);
        list = new ProvenanceListViewModel(review, detail, tasks, ZoneOffset.UTC);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void theListFiltersAndCounts() {
        list.search();
        assertThat(list.rows()).hasSize(10);
        assertThat(list.countText().get()).isEqualTo("10 Provenance");
        assertThat(list.origins()).contains(ProvenanceListViewModel.ANY_ORIGIN, "files");
        list.target.set("Procedure/example");
        list.search();
        assertThat(list.rows()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo("example");
            assertThat(i.signatures()).isEqualTo("—");
        });
        list.clear();
        list.status.set(ProvenanceListViewModel.Status.NOT_CHECKED);
        list.search();
        // 2 of their own (the XML examples are versions of the JSON ones) and the 5 contained ones
        assertThat(list.rows()).hasSize(7).allSatisfy(i -> assertThat(i.signatures()).isEqualTo("1 · not checked"));
        list.clear();
        list.from.set(LocalDate.of(2017, 1, 1));
        list.search();
        assertThat(list.rows()).allSatisfy(i -> assertThat(i.recorded()).isGreaterThanOrEqualTo("2017"));
        list.to.set(LocalDate.of(2016, 1, 1));
        list.search();
        assertThat(list.message().get()).contains("ends before it starts");
        list.clear();
        assertThat(list.rows().stream().filter(i -> i.id().startsWith("Task/example1 #"))).hasSize(1);
        String newest = list.rows().get(0).recorded();
        list.toggleSort();
        assertThat(list.rows()).hasSize(10);
        assertThat(list.rows().get(0).recorded()).isLessThan(newest);
        assertThat(list.rows().get(9).recorded()).isEqualTo(newest);
    }

    @Test
    void theDetailReadsChecksAndOpens() {
        list.search();
        ProvenanceListViewModel.Item signed = list.rows().stream().filter(i -> i.id().equals("consent-signature"))
                .findFirst().orElseThrow();
        list.selected().set(signed);
        assertThat(detail.title().get()).isEqualTo("Provenance/consent-signature · files");
        assertThat(detail.fields()).anySatisfy(f -> {
            assertThat(f.label()).isEqualTo("Target");
            assertThat(f.reference()).isEqualTo("Consent/consent-example-signature");
        });
        assertThat(detail.json().get()).contains("\"resourceType\" : \"Provenance\"");
        // the official example's placeholder: cannot verify, and the row says so at once
        assertThat(detail.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.verdict()).isEqualTo("cannot verify");
            assertThat(v.valid()).isFalse();
        });
        assertThat(list.rows().stream().filter(i -> i.row().rk() == signed.row().rk()).findFirst().orElseThrow()
                .signatures()).isEqualTo("1 · cannot verify");
        list.status.set(ProvenanceListViewModel.Status.CANNOT);
        list.search();
        assertThat(list.rows()).extracting(ProvenanceListViewModel.Item::id).contains("consent-signature");
        // the XML tab, the target (a cached consent), the audit browser
        detail.loadXml();
        assertThat(detail.xml().get()).isEqualTo("<xml/>");
        detail.openReference("Consent/consent-example-signature");
        assertThat(detail.shown().get().json()).contains("consent-example-signature");
        detail.openReference("Patient/72");
        assertThat(detail.message().get()).contains("Patient/72 is not in the cache of files");
        detail.showAuditEvents();
        assertThat(eventsAbout).singleElement().satisfies(e -> assertThat(e).containsExactly(
                "Consent/consent-example-signature|", "files"));
        // the graph around its target
        detail.showGraph();
        assertThat(graph.laidOut().get()).isNotNull();
        assertThat(graph.centre().get()).isEqualTo("Consent/consent-example-signature");
        assertThat(graph.status().get()).startsWith("3 nodes (1 Provenance)");
    }

    @Test
    void theContainedProvenanceAreNodesOfTheirOwnAndOpenAsDrawn() {
        graph.show("ProcedureRequest/physiotherapy", "files");
        ProvenanceGraph g = graph.laidOut().get().graph();
        // the five examples' contained Provenance all have the id "signature": five nodes, named by their containers
        assertThat(g.nodes()).filteredOn(n -> n.kind() == ProvenanceGraph.Kind.PROVENANCE)
                .extracting(ProvenanceGraph.Node::key).contains("Provenance/Task-example1-signature",
                        "Provenance/MedicationRequest-medrx0301-signature",
                        "Provenance/ProcedureRequest-physiotherapy-signature");
        assertThat(g.nodes()).extracting(ProvenanceGraph.Node::key).contains("Practitioner/f202");
        graph.open("Provenance/Task-example1-signature");
        assertThat(detail.shown().get().title()).startsWith("Provenance/Task-example1-signature · files");
        assertThat(detail.shown().get().title()).contains("(contained in Task/example1, as stored there)");
        // its text as stored: its own id, not the graph's name for it
        assertThat(detail.shown().get().json()).contains("Practitioner/f202").contains("\"id\" : \"signature\"");
    }

    @Test
    void aTrustStoreThatCannotBeReadIsSaidAndNotRemembered() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        detail.useTrustStore(junk, null);
        assertThat(detail.trustText().get()).contains("neither PEM certificates nor a PKCS#12");
        assertThat(remembered).isNull();
        assertThat(detail.needsPassword(Path.of("a.P12"))).isTrue();
        assertThat(detail.needsPassword(Path.of("a.pem"))).isFalse();
    }

    @Test
    void signingSaysWhatIsMissingThenSignsAndShowsTheTarget() throws IOException {
        SignerFiles keys = SignerFiles.write(dir, "https://x.example/Patient/p");
        List<String> kept = new ArrayList<>();
        ProvenanceSignViewModel sign = new ProvenanceSignViewModel(new ProvenanceReview(cache), (origin, id, json) -> {
            kept.add(origin + " " + id);
            return "Kept.";
        }, tasks);
        list.signing(sign);
        List<String> shown = new ArrayList<>();
        sign.onSigned(shown::add);
        assertThat(sign.problem()).contains("Type/id");
        sign.resource.set("Consent/consent-example-pkb");
        assertThat(sign.origins()).containsExactly("files");
        assertThat(sign.origin.get()).isEqualTo("files");
        assertThat(sign.problem()).contains("who signs");
        sign.who.set("https://x.example/Patient/p");
        assertThat(sign.problem()).contains("private key");
        assertThat(sign.canSign().get()).isFalse();
        sign.keyFile.set(keys.otherKey().toString());
        sign.certFile.set(keys.cert().toString());
        assertThat(sign.canSign().get()).isTrue();
        sign.sign(null);
        assertThat(sign.message().get()).startsWith("Not signed:").contains("does not belong to the certificate");
        assertThat(kept).isEmpty();
        sign.keyFile.set(keys.key().toString());
        sign.sign(null);
        assertThat(sign.message().get()).startsWith("Signed Consent/consent-example-pkb as Provenance/")
                .endsWith("Kept.");
        assertThat(kept).singleElement().asString().startsWith("files ");
        assertThat(shown).containsExactly("Consent/consent-example-pkb");
        sign.resource.set("Consent/nowhere");
        assertThat(sign.message().get()).isEqualTo("Consent/nowhere is not in the cache.");
    }
}
