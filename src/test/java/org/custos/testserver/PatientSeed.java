package org.custos.testserver;

import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.HumanName;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Reference;

import java.util.Date;

/** The small resources the patient-mode tests post: a patient by name, an active opt-in Consent of a patient. */
public final class PatientSeed {
    private PatientSeed() {
    }

    public static Patient patient(String family, String given) {
        Patient p = new Patient();
        p.addName(new HumanName().setFamily(family).addGiven(given));
        return p;
    }

    public static Consent consent(String patient) {
        Consent c = new Consent();
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setPatient(new Reference(patient));
        c.setDateTime(new Date());
        c.setPolicyRule("http://hl7.org/fhir/ConsentPolicy/opt-in");
        c.addCategory(new CodeableConcept().addCoding(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
        return c;
    }
}
