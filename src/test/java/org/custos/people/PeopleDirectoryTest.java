package org.custos.people;

import org.custos.cache.Cache;
import org.custos.cache.ConsentStore;
import org.custos.cache.Verifier;
import org.custos.fhir.Fhir;
import org.custos.people.PeopleDirectory.Person;
import org.custos.people.PeopleDirectory.PersonType;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** People imported from a Bundle (plus the official Consent examples that reference them), found and named. */
class PeopleDirectoryTest {
    static final Path BUNDLE = Path.of("src/test/resources/people/people-bundle.json");
    private Cache cache;
    private PeopleDirectory people;
    private ImportReport report;

    @BeforeEach
    void open(@TempDir Path dir) throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        Importer importer = new Importer(cache, new Fhir());
        report = importer.importFile(BUNDLE, Importer.SILENT);
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/examples/stu3/consent"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                importer.importFile(f, Importer.SILENT);
            }
        }
        people = new PeopleDirectory(cache);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private List<String> refs(List<Person> hits) {
        return hits.stream().map(Person::reference).toList();
    }

    @Test
    void importKeepsThePeopleTypesAndSkipsTheRest() {
        assertThat(report.counts("Patient").added).isEqualTo(4);
        assertThat(report.counts("Practitioner").added).isEqualTo(2);
        assertThat(report.counts("Organization").added).isEqualTo(2);
        assertThat(report.counts("RelatedPerson").added).isEqualTo(1);
        assertThat(report.counts("Observation").skipped).isEqualTo(1);
        assertThat(people.count(PersonType.PATIENT)).isEqualTo(4);
        assertThat(cache.resources().raw("Practitioner", "f204")).get().asString().contains("Carla Espinosa");
        Verifier.Result v = cache.verifier().run(null, () -> false, (d, t) -> { });
        assertThat(v.intact()).as("%s", v.problems()).isTrue();
    }

    @Test
    void namesAreFoundByWordPrefixesInAnyOrderAndCase() {
        assertThat(refs(people.search("heuv", 10))).containsExactly("Patient/f001");
        assertThat(refs(people.search("HEUVEL piet", 10))).containsExactly("Patient/f001");
        assertThat(refs(people.search("piet van", 10))).containsExactly("Patient/f001");
        // both Chalmers: the Patient and the RelatedPerson; a type filter keeps one
        assertThat(refs(people.search("chal pe", 10))).containsExactlyInAnyOrder("Patient/example",
                "RelatedPerson/peter");
        assertThat(refs(people.search("chalmers", EnumSet.of(PersonType.RELATED_PERSON), 10)))
                .containsExactly("RelatedPerson/peter");
        // a second HumanName (Jim) is found too, and the parts of a hyphenated or quoted name
        assertThat(refs(people.search("jim", 10))).containsExactly("Patient/example");
        assertThat(refs(people.search("o'brien", 10))).containsExactly("Patient/72");
        assertThat(refs(people.search("sarah o'b", 10))).containsExactly("Patient/72");
        // organizations by name and alias
        assertThat(refs(people.search("canada", 10))).containsExactly("Organization/Infoway");
        assertThat(refs(people.search("inforoute", 10))).containsExactly("Organization/Infoway");
        assertThat(people.search("nobody-by-this-name", 10)).isEmpty();
        assertThat(people.search("  ", 10)).isEmpty();
    }

    @Test
    void hitsCarryTheirNameIdentifiersAndOrigin() {
        Person p = people.search("heuvel", 1).get(0);
        assertThat(p.type()).isEqualTo(PersonType.PATIENT);
        assertThat(p.id()).isEqualTo("f001");
        assertThat(p.display()).isEqualTo("Pieter van de Heuvel MSc");
        assertThat(p.identifiers()).isEqualTo("urn:oid:2.16.840.1.113883.2.4.6.3|738472983");
        assertThat(p.origin()).isEqualTo("files");
        assertThat(p.status()).isEqualTo("active");
        Person dr = people.search("hippo", 1).get(0);
        assertThat(dr.display()).isEqualTo("Dr. Harold Hippocrates MD");
        assertThat(dr.status()).isNull();
    }

    @Test
    void identifiersIdsAndReferencesFindTheirPerson() {
        assertThat(refs(people.search("738472983", 10))).containsExactly("Patient/f001");
        // a prefix of an identifier finds the exact one first
        assertThat(refs(people.search("12345", 10))).startsWith("Patient/example")
                .contains("Patient/xcda", "Practitioner/f204");
        assertThat(refs(people.search("xcda-author", 10))).containsExactly("Practitioner/xcda-author");
        assertThat(refs(people.search("f001", 10))).containsExactly("Patient/f001", "Organization/f001-org");
        assertThat(refs(people.search("Patient/f001", 10))).containsExactly("Patient/f001");
        assertThat(refs(people.search("http://example.org/fhir/Practitioner/f204/_history/3", 10)))
                .containsExactly("Practitioner/f204");
        assertThat(refs(people.search("Patient/f001", EnumSet.of(PersonType.ORGANIZATION), 10))).isEmpty();
        assertThat(people.search("f", 1)).hasSize(1);
    }

    @Test
    void nameOfNamesKnownReferencesInOneGoAndLeavesTheRestUnnamed() {
        Map<String, String> names = people.nameOf(List.of("Patient/f001", "http://x.org/fhir/Practitioner/f204",
                "Organization/Infoway", "RelatedPerson/peter", "Patient/unknown", "Task/f201", "#contained",
                "Patient/f001/_history/1"));
        assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Patient/f001", "Pieter van de Heuvel MSc",
                "http://x.org/fhir/Practitioner/f204", "Carla Espinosa",
                "Organization/Infoway", "Canada Infoway",
                "RelatedPerson/peter", "Peter James Chalmers",
                "Patient/f001/_history/1", "Pieter van de Heuvel MSc"));
        assertThat(people.nameOrReference("Patient/unknown")).isEqualTo("Patient/unknown");
        assertThat(people.nameOf(List.of())).isEmpty();
    }

    @Test
    void consentRowsNameThePatientTheDirectoryKnows() {
        ConsentStore consents = cache.consents();
        ConsentStore.ConsentFilter f001 = ConsentStore.ConsentFilter.ALL.withPatient("Patient/f001");
        List<ConsentStore.ConsentRow> rows = consents.page(f001, null, 100);
        assertThat(rows).isNotEmpty().allSatisfy(r -> {
            assertThat(r.patient()).isEqualTo("Patient/f001");
            assertThat(r.patientDisplay()).isEqualTo("Pieter van de Heuvel MSc");
        });
        assertThat(consents.count(f001)).isEqualTo(rows.size());
        // a patient the directory does not hold stays unnamed
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL.withPatient("Patient/animal"), null, 10)).isEmpty();
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL, null, 100))
                .filteredOn(r -> "Patient/f001".equals(r.patient())).hasSize(rows.size());
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL.withPatient("f001"), null, 100)).hasSize(rows.size());
        assertThat(Set.copyOf(consents.statuses())).contains("active");
    }
}
