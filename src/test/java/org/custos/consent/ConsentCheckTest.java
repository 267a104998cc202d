package org.custos.consent;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.consent.ConsentCheck.Counts;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.consent.ConsentCheck.Verdict;
import org.custos.consent.DecisionRequest.Code;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Past access against consent: the event → request mapping, consents in force by kept version, and the counts. */
class ConsentCheckTest {
    @TempDir
    static Path dir;
    static Cache cache;

    @BeforeAll
    static void fill() throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        Importer importer = CheckData.importBase(cache, dir);
        // the same patient's event from another server: that server has no consent for f001
        importer.importFile(CheckData.ndjson(dir.resolve("server.ndjson"), List.of(CheckData.event("s1",
                "2020-05-02T10:00:00Z", "R", "Patient/f001", null, List.of(CheckData.HOSPITAL + "|CST|TREAT"),
                null))), "https://other.example/fhir", Importer.SILENT);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    @Test
    void anEventBecomesARequest() throws Exception {
        DecisionRequest r = AuditRequests.of(new ObjectMapper().readTree(CheckData.event("x", "2020-05-01T10:00:00Z",
                "U", "Patient/f001", "Observation/o1", List.of("Practitioner/a|AUT|TREAT", "Organization/h|CST|"),
                "HMARKT", "PSY")));
        assertThat(r.date()).isEqualTo(Instant.parse("2020-05-01T10:00:00Z"));
        assertThat(r.action()).isEqualTo(new Code(AuditRequests.CONSENT_ACTION, "correct"));
        // the requestor's purposeOfUse wins over purposeOfEvent
        assertThat(r.purpose().code()).isEqualTo("TREAT");
        assertThat(r.actors()).extracting(Object::toString)
                .containsExactly("Practitioner/a (AUT)", "Practitioner/a (PRCP)", "Organization/h (CST)");
        assertThat(r.dataClass()).isEqualTo(new Code(AuditRequests.RESOURCE_TYPES, "Observation"));
        assertThat(r.labels()).extracting(Code::code).containsExactly("PSY");
        assertThat(r.data()).containsExactly("Patient/f001", "Observation/o1");
        assertThat(AuditRequests.action("R", null).code()).isEqualTo("access");
        assertThat(AuditRequests.action("C", null).code()).isEqualTo("collect");
        assertThat(AuditRequests.action("E", null).code()).isEqualTo("use");
        assertThat(AuditRequests.action("R", "110106").code()).isEqualTo("disclose");
        assertThat(AuditRequests.action(null, null)).isNull();
        // a user id only: no actor (nobody Custos can compare); a user id shaped like a reference counts
        DecisionRequest u = AuditRequests.of(new ObjectMapper().readTree(CheckData.event("y", "2020-05-01T10:00:00Z",
                "R", "Patient/f001", null, List.of("||"), "TREAT")));
        assertThat(u.actors()).isEmpty();
        assertThat(u.purpose().code()).isEqualTo("TREAT");
        assertThat(u.dataClass().code()).isEqualTo("Patient");
    }

    @Test
    void deniedAndUndecidableEventsNameTheRuleAndEveryEventIsCounted() {
        List<Finding> found = new ArrayList<>();
        Counts c = new ConsentCheck(cache).check("Patient/f001", null, null, null, () -> false, found::add);
        // e1..e5 (files) and s1 (the other server: no consent there)
        assertThat(c.checked()).isEqualTo(6);
        assertThat(c.permitted()).isEqualTo(1);
        assertThat(c.noConsent()).isEqualTo(1);
        assertThat(found).filteredOn(f -> f.verdict() == Verdict.DENIED).extracting(Finding::eventId)
                .containsExactlyInAnyOrder("e2", "e5");
        Finding e2 = found.stream().filter(f -> f.eventId().equals("e2")).findFirst().orElseThrow();
        assertThat(e2.rule()).startsWith("Consent.except[1]: deny");
        assertThat(e2.consent()).isEqualTo("consent-example-Emergency");
        assertThat(e2.agent()).isEqualTo(CheckData.HOSPITAL);
        assertThat(e2.purpose()).isEqualTo("TREAT");
        assertThat(e2.origin()).isEqualTo("files");
        // the example has no meta.lastUpdated: its version is taken as in force, and the finding says so
        assertThat(e2.detail()).contains("without lastUpdated");
        List<Finding> undecidable = found.stream().filter(f -> f.verdict() == Verdict.UNDECIDABLE).toList();
        assertThat(undecidable).extracting(Finding::eventId).containsExactlyInAnyOrder("e3", "e4");
        assertThat(undecidable).allSatisfy(f -> assertThat(f.detail()).contains("does not give"));
        assertThat(c.denied()).isEqualTo(2);
        assertThat(c.undecidable()).isEqualTo(2);
    }

    @Test
    void theVersionInForceAtTheEventsTimeDecides() {
        List<Finding> found = new ArrayList<>();
        Counts c = new ConsentCheck(cache).check("Patient/p2", null, null, null, () -> false, found::add);
        // 2019: no version yet (no consent); 2020: version 1, opt-in; 2021: version 2, opt-out
        assertThat(c).isEqualTo(new Counts(3, 1, 1, 0, 1, 0));
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.eventId()).isEqualTo("p3");
            assertThat(f.consent()).isEqualTo("c1/_history/2");
            assertThat(f.rule()).contains("opt-out");
            assertThat(f.detail()).isNull();
        });
    }

    @Test
    void aPeriodAndAnOriginNarrowTheCheckAndAllPatientsSum() {
        ConsentCheck check = new ConsentCheck(cache);
        Counts may = check.check("f001", "files", Instant.parse("2020-05-02T00:00:00Z"),
                Instant.parse("2020-05-31T23:59:59Z"), () -> false, f -> { });
        assertThat(may.checked()).as(may.toString()).isEqualTo(3);
        assertThat(check.patients(null)).containsExactlyInAnyOrder("Patient/f001", "Patient/p2");
        Counts all = check.checkAll(null, null, null, () -> false, f -> { });
        assertThat(all.checked()).isEqualTo(9);
        assertThat(all.denied()).isEqualTo(3);
    }
}
