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
        Map<String, String> names = people.nameOf("files", List.of("Patient/f001", "http://x.org/fhir/Practitioner/f204",
                "Organization/Infoway", "RelatedPerson/peter", "Patient/unknown", "Task/f201", "#contained",
                "Patient/f001/_history/1"));
        assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Patient/f001", "Pieter van de Heuvel MSc",
                "http://x.org/fhir/Practitioner/f204", "Carla Espinosa",
                "Organization/Infoway", "Canada Infoway",
                "RelatedPerson/peter", "Peter James Chalmers",
                "Patient/f001/_history/1", "Pieter van de Heuvel MSc"));
        assertThat(people.nameOrReference("files", "Patient/unknown")).isEqualTo("Patient/unknown");
        assertThat(people.nameOf("files", List.of())).isEmpty();
        // another origin holds none of them: nothing is named there
        assertThat(people.nameOf("https://elsewhere.org/fhir", List.of("Patient/f001", "RelatedPerson/peter")))
                .isEmpty();
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

    private void store(String origin, String... jsons) {
        cache.resources().upsert(cache.origins().idOf(origin), Stream.of(jsons)
                .map(j -> org.custos.cache.IncomingResource.fromJson(j, "test")).toList());
    }

    private static String patient(String id, String given, String family) {
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\"},"
                + "\"name\":[{\"given\":[\"" + given + "\"],\"family\":\"" + family + "\"}]}";
    }

    private static String consent(String id, String patient, String dateTime) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\"},"
                + "\"status\":\"active\",\"patient\":{\"reference\":\"" + patient + "\"},\"dateTime\":\""
                + dateTime + "\",\"policyRule\":\"http://example.org/policy\"}";
    }

    @Test
    void twoOriginsWithTheSamePatientReferenceKeepTheirOwnNamesAndConsents() {
        String a = "https://a.example.org/fhir";
        String b = "https://b.example.org/fhir";
        String c = "https://c.example.org/fhir";
        store(a, patient("1", "Anna", "Aalders"), consent("ca", "Patient/1", "2024-01-01T10:00:00Z"));
        store(b, patient("1", "Bram", "Bakker"), consent("cb", "Patient/1", "2024-01-02T10:00:00Z"));
        // c holds a consent for its Patient/1 but not the person: it stays unnamed (not Anna, not Bram)
        store(c, consent("cc", "Patient/1", "2024-01-03T10:00:00Z"));

        assertThat(people.nameOf(a, List.of("Patient/1"))).containsExactly(Map.entry("Patient/1", "Anna Aalders"));
        assertThat(people.nameOf(b, List.of("Patient/1"))).containsExactly(Map.entry("Patient/1", "Bram Bakker"));
        assertThat(people.nameOf(c, List.of("Patient/1"))).isEmpty();
        assertThat(people.nameOrReference(c, "Patient/1")).isEqualTo("Patient/1");
        // an absolute reference is named by the server it points to, when the cache knows that server
        assertThat(people.nameOf(c, List.of(b + "/Patient/1", "https://unknown.example.org/fhir/Patient/1")))
                .containsExactly(Map.entry(b + "/Patient/1", "Bram Bakker"));

        // searches: each hit is (origin, reference); a search can be kept to one origin
        assertThat(people.search("Patient/1", EnumSet.of(PersonType.PATIENT), 10))
                .extracting(Person::origin, Person::display)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(a, "Anna Aalders"),
                        org.assertj.core.groups.Tuple.tuple(b, "Bram Bakker"));
        assertThat(people.search(b, "Patient/1", null, 10)).extracting(Person::display).containsExactly("Bram Bakker");
        assertThat(people.search(b, "anna", null, 10)).isEmpty();
        assertThat(people.search(a, "anna", null, 10)).extracting(Person::reference).containsExactly("Patient/1");
        assertThat(people.search("https://nowhere.example.org", "anna", null, 10)).isEmpty();

        // the consent list: each row names its patient from its own origin
        ConsentStore consents = cache.consents();
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL.withPatient("Patient/1"), null, 10))
                .extracting(ConsentStore.ConsentRow::id, ConsentStore.ConsentRow::patientDisplay)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cc", null),
                        org.assertj.core.groups.Tuple.tuple("cb", "Bram Bakker"),
                        org.assertj.core.groups.Tuple.tuple("ca", "Anna Aalders"));
        // a patient picked as (origin, reference) lists that origin's consents only
        ConsentStore.ConsentFilter annas = ConsentStore.ConsentFilter.ALL.withPatient(a, "Patient/1");
        assertThat(consents.page(annas, null, 10)).extracting(ConsentStore.ConsentRow::id).containsExactly("ca");
        assertThat(consents.count(annas)).isEqualTo(1);
        assertThat(consents.count(annas, 100)).isEqualTo(1);
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL.withPatient(b + "/", "1"), null, 10))
                .extracting(ConsentStore.ConsentRow::id).containsExactly("cb");
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL.withPatient("files", "Patient/1"), null, 10))
                .isEmpty();
        assertThat(consents.page(ConsentStore.ConsentFilter.ALL.withPatient("https://x.example.org", "Patient/1"),
                null, 10)).isEmpty();
        // a status filter keeps the patient's origin
        assertThat(consents.page(annas.withStatuses(Set.of("active")), null, 10)).hasSize(1);
    }
}
