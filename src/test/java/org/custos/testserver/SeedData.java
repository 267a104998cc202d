package org.custos.testserver;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.custos.demo.DemoGenerator;
import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.Consent.ConsentExceptType;
import org.hl7.fhir.dstu3.model.Consent.ConsentState;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Period;
import org.hl7.fhir.dstu3.model.Practitioner;
import org.hl7.fhir.dstu3.model.Provenance;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;

/**
 * The Consents and Provenances that {@link LocalFhirServer#seed} adds to the demo hospital: a pure function of the
 * generator (seed, end) and the event count. Ids: {@code consent-<seed>-<i>}, {@code prov-<seed>-<i>}.
 */
final class SeedData {

    static final int CONSENTS = 20;
    static final int PROVENANCES = 20;

    private static final ConsentState[] STATES = {ConsentState.ACTIVE, ConsentState.REJECTED, ConsentState.INACTIVE};
    private static final String[] POLICIES = {
        "http://hl7.org/fhir/ConsentPolicy/opt-in", "http://hl7.org/fhir/ConsentPolicy/opt-out",
        "http://hl7.org/fhir/ConsentPolicy/notor"
    };
    private static final String ACT_REASON = "http://hl7.org/fhir/v3/ActReason";
    private static final String ROLE_CLASS = "http://hl7.org/fhir/v3/RoleClass";
    private static final String DATA_OPERATION = "http://hl7.org/fhir/v3/DataOperation";
    private static final String PROVENANCE_ROLE = "http://hl7.org/fhir/provenance-participant-role";

    private SeedData() {
    }

    /** {@value #CONSENTS} Consents over every 25th Patient, statuses cycling active / rejected / inactive. */
    static List<Consent> consents(DemoGenerator gen, List<Resource> directory) {
        List<String> patients = ids(directory, Patient.class);
        List<String> practitioners = ids(directory, Practitioner.class);
        Instant end = gen.end();
        List<Consent> out = new ArrayList<>(CONSENTS);
        for (int i = 0; i < CONSENTS; i++) {
            String patient = "Patient/" + patients.get((i * 25) % patients.size());
            String practitioner = "Practitioner/" + practitioners.get((i * 7) % practitioners.size());
            ConsentState state = STATES[i % STATES.length];
            Instant signed = end.minus(5L + 4L * i, ChronoUnit.DAYS);
            Consent c = new Consent();
            c.setId("consent-" + gen.seed() + "-" + i);
            c.setStatus(state);
            c.addCategory(new CodeableConcept().addCoding(
                new Coding("http://loinc.org", "59284-0", "Patient Consent")));
            c.setPatient(new Reference(patient));
            c.setDateTime(Date.from(signed));
            Period period = new Period().setStart(Date.from(signed));
            if (state == ConsentState.INACTIVE) {
                period.setEnd(Date.from(signed.plus(2, ChronoUnit.DAYS)));
            }
            c.setPeriod(period);
            c.addConsentingParty(new Reference(patient));
            c.addOrganization(new Reference("Organization/org-001"));
            c.setPolicyRule(POLICIES[i % POLICIES.length]);
            c.addActor()
                .setRole(new CodeableConcept().addCoding(new Coding(ROLE_CLASS, "PROV", "healthcare provider")))
                .setReference(new Reference(practitioner));
            c.addAction(new CodeableConcept().addCoding(
                new Coding("http://hl7.org/fhir/consentaction", "access", "Access")));
            c.addPurpose(new Coding(ACT_REASON, "TREAT", "treatment"));
            if (i % 4 == 3) {
                c.addExcept().setType(ConsentExceptType.DENY)
                    .addPurpose(new Coding(ACT_REASON, "HRESCH", "healthcare research"));
            }
            out.add(c);
        }
        return out;
    }

    /**
     * {@value #PROVENANCES} Provenances: even ones target an AuditEvent of the first {@code events} (when there are
     * any), odd ones a Patient.
     */
    static List<Provenance> provenances(DemoGenerator gen, List<Resource> directory, int events) {
        List<String> patients = ids(directory, Patient.class);
        List<String> practitioners = ids(directory, Practitioner.class);
        Instant end = gen.end();
        List<Provenance> out = new ArrayList<>(PROVENANCES);
        for (int i = 0; i < PROVENANCES; i++) {
            String target = i % 2 == 0 && events > 0
                ? "AuditEvent/demo-" + gen.seed() + "-" + ((long) i * 37 % events)
                : "Patient/" + patients.get((i * 31) % patients.size());
            Instant recorded = end.minus(2L + 3L * i, ChronoUnit.HOURS);
            Provenance p = new Provenance();
            p.setId("prov-" + gen.seed() + "-" + i);
            p.addTarget(new Reference(target));
            p.setRecorded(Date.from(recorded));
            p.setActivity(i % 3 == 0
                ? new Coding(DATA_OPERATION, "CREATE", "create")
                : new Coding(DATA_OPERATION, "UPDATE", "revise"));
            p.addReason(new Coding(ACT_REASON, i % 2 == 0 ? "HOPERAT" : "TREAT", null));
            p.addAgent()
                .addRole(new CodeableConcept().addCoding(new Coding(PROVENANCE_ROLE, "author", "Author")))
                .setWho(new Reference("Practitioner/" + practitioners.get((i * 3) % practitioners.size())))
                .setOnBehalfOf(new Reference("Organization/org-001"));
            out.add(p);
        }
        return out;
    }

    private static List<String> ids(List<Resource> directory, Class<? extends Resource> type) {
        return directory.stream().filter(type::isInstance).map(r -> r.getIdElement().getIdPart()).toList();
    }
}
