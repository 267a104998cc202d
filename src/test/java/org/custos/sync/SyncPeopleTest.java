package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.ConsentStore;
import org.custos.cache.Verifier;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.people.PeopleDirectory;
import org.custos.people.PeopleDirectory.PersonType;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Organization;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Practitioner;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.RelatedPerson;
import org.hl7.fhir.dstu3.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Patients, Practitioners, Organizations and RelatedPersons synced from the real HAPI JPA server when chosen. */
@ExtendWith(FhirServerExtension.class)
class SyncPeopleTest {
    private final LocalFhirServer server;
    private Cache cache;

    SyncPeopleTest(LocalFhirServer server) {
        this.server = server;
    }

    @BeforeEach
    void clean(@TempDir Path dir) {
        server.purge();
        cache = Cache.open(dir.resolve("cache"));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private SyncReport sync(Set<String> types) {
        ServerProfile p = ServerProfile.of("test", server.baseUrl()).withPaging(50, types, 0);
        return new SyncEngine(cache).sync(p, new SyncEngine.Options(null, SyncServerTest.FAST), SyncListener.NONE,
                new Cancellation());
    }

    private static Set<String> all() {
        return new LinkedHashSet<>(ServerProfile.SYNC_TYPES);
    }

    @Test
    void peopleAreSyncedWhenChosenAndNamedInTheConsentList() {
        Patient p = new Patient();
        p.addName().setFamily("Wijngaarden").addGiven("Anneke");
        p.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.2.4.6.3").setValue("999911120");
        Practitioner d = new Practitioner();
        d.addName().setText("Dr. Kim Vos");
        Organization o = new Organization();
        o.setName("Sint Elisabeth Gasthuis");
        List<String> ids = server.post(List.<Resource>of(p, d, o));
        RelatedPerson rp = new RelatedPerson();
        rp.setPatient(new Reference("Patient/" + ids.get(0)));
        rp.addName().setFamily("Wijngaarden").addGiven("Bart");
        Consent c = new Consent();
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setPatient(new Reference("Patient/" + ids.get(0)));
        c.setDateTimeElement(new DateTimeType(new Date()));
        server.post(List.<Resource>of(rp, c));

        // the default types leave the people out
        SyncReport first = sync(null);
        assertThat(first.completed()).as(first.byType().toString()).isTrue();
        assertThat(first.byType()).doesNotContainKeys("Patient", "Practitioner", "Organization", "RelatedPerson");
        PeopleDirectory people = new PeopleDirectory(cache);
        assertThat(people.search("wijn", 10)).isEmpty();
        List<ConsentStore.ConsentRow> rows = cache.consents().page(ConsentStore.ConsentFilter.ALL, null, 10);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.patient()).isEqualTo("Patient/" + ids.get(0));
            assertThat(r.patientDisplay()).isNull();
        });

        SyncReport second = sync(all());
        assertThat(second.completed()).as(second.byType().toString()).isTrue();
        assertThat(second.byType().get("Patient").added).isEqualTo(1);
        assertThat(second.byType().get("Practitioner").added).isEqualTo(1);
        assertThat(second.byType().get("Organization").added).isEqualTo(1);
        assertThat(second.byType().get("RelatedPerson").added).isEqualTo(1);
        assertThat(people.search("wijngaarden anne", 10)).singleElement().satisfies(h -> {
            assertThat(h.reference()).isEqualTo("Patient/" + ids.get(0));
            assertThat(h.display()).isEqualTo("Anneke Wijngaarden");
            assertThat(h.origin()).isEqualTo(server.baseUrl());
        });
        assertThat(people.search("wijngaarden", EnumSet.of(PersonType.RELATED_PERSON), 10)).hasSize(1);
        assertThat(people.search("999911120", 10)).extracting(PeopleDirectory.Person::id).containsExactly(ids.get(0));
        assertThat(people.search("kim", 10)).extracting(PeopleDirectory.Person::display).containsExactly("Dr. Kim Vos");
        assertThat(people.search("gasthuis", 10)).extracting(PeopleDirectory.Person::reference)
                .containsExactly("Organization/" + ids.get(2));
        assertThat(cache.consents().page(ConsentStore.ConsentFilter.ALL, null, 10).get(0).patientDisplay())
                .isEqualTo("Anneke Wijngaarden");

        // renamed on the server: the directory knows the new name only; deleted there: gone
        p.setId("Patient/" + ids.get(0));
        p.getNameFirstRep().setFamily("Boomgaard");
        server.client().update().resource(p).execute();
        d.setId("Practitioner/" + ids.get(1));
        ServerData.delete(server, "Practitioner", ids.get(1));
        SyncReport third = sync(all());
        assertThat(third.completed()).as(third.byType().toString()).isTrue();
        assertThat(people.search("wijngaarden", EnumSet.of(PersonType.PATIENT), 10)).isEmpty();
        assertThat(people.search("boomg", 10)).extracting(PeopleDirectory.Person::display)
                .containsExactly("Anneke Boomgaard");
        assertThat(people.search("kim", 10)).isEmpty();
        assertThat(cache.consents().page(ConsentStore.ConsentFilter.ALL, null, 10).get(0).patientDisplay())
                .isEqualTo("Anneke Boomgaard");
        Verifier.Result v = cache.verifier().run(null, () -> false, (x, t) -> { });
        assertThat(v.intact()).as("%s", v.problems()).isTrue();
    }
}
