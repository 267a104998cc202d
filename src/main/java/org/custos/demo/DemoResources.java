package org.custos.demo;

import java.util.ArrayList;
import java.util.List;
import org.custos.demo.DemoDirectory.Pat;
import org.custos.demo.DemoDirectory.User;
import org.hl7.fhir.dstu3.model.Address;
import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.ContactPoint;
import org.hl7.fhir.dstu3.model.DateType;
import org.hl7.fhir.dstu3.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.dstu3.model.HumanName;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.Organization;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Practitioner;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;

/** Turns the directory model into STU3 Organization, Practitioner and Patient resources. */
final class DemoResources {

    private DemoResources() {
    }

    /** Organization, then Practitioners (prac-001...), then Patients (pat-0001...). Fresh objects every call. */
    static List<Resource> all(DemoDirectory dir) {
        List<Resource> out = new ArrayList<>(1 + dir.users.size() + dir.patients.size());
        out.add(organization());
        for (User u : dir.users) {
            out.add(practitioner(u));
        }
        for (Pat p : dir.patients) {
            out.add(patient(p, dir));
        }
        return out;
    }

    static Organization organization() {
        Organization o = new Organization();
        o.setId(DemoDirectory.ORG_ID);
        o.addIdentifier(new Identifier().setSystem(DemoCodes.ORG_IDS).setValue("custos-general"));
        o.setActive(true);
        o.addType(DemoCodes.concept(DemoCodes.ORG_TYPE, "prov", "Healthcare Provider"));
        o.setName(DemoDirectory.ORG_NAME);
        o.addAlias("Custos North Clinic");
        o.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+1-555-010-0000")
            .setUse(ContactPoint.ContactPointUse.WORK));
        o.addAddress(new Address().addLine("1 Hospital Way").setCity("Springfield").setPostalCode("01101")
            .setCountry("US"));
        return o;
    }

    static Practitioner practitioner(User u) {
        Practitioner p = new Practitioner();
        p.setId(u.id());
        p.addIdentifier(new Identifier().setSystem(DemoCodes.USERS).setValue(u.login()));
        p.setActive(true);
        HumanName name = new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(u.family()).addGiven(u.given());
        if (u.kind() == DemoDirectory.Kind.DOCTOR) {
            name.addPrefix("Dr.");
        }
        p.addName(name);
        p.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL)
            .setValue(u.login() + "@custos-general.example").setUse(ContactPoint.ContactPointUse.WORK));
        p.setGender(u.female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
        CodeableConcept qual = switch (u.kind()) {
            case DOCTOR -> DemoCodes.concept(DemoCodes.V2_0360, "MD", "Doctor of Medicine");
            case NURSE -> DemoCodes.concept(DemoCodes.V2_0360, "RN", "Registered Nurse");
            case PHARMACIST -> DemoCodes.concept(DemoCodes.V2_0360, "PharmD", "Doctor of Pharmacy");
            default -> null;
        };
        if (qual != null) {
            p.addQualification().setCode(qual).setIssuer(new Reference("Organization/" + DemoDirectory.ORG_ID));
        }
        return p;
    }

    static Patient patient(Pat p, DemoDirectory dir) {
        Patient r = new Patient();
        r.setId(p.id());
        if (p.restricted()) {
            r.getMeta().addSecurity(DemoCodes.confidentiality(p.confidentiality()));
        }
        r.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.USUAL)
            .setType(DemoCodes.concept(DemoCodes.V2_0203, "MR", "Medical record number"))
            .setSystem(DemoCodes.MRN).setValue(p.mrn()));
        r.setActive(true);
        r.addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily(p.family()).addGiven(p.given()));
        r.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(p.phone())
            .setUse(ContactPoint.ContactPointUse.HOME));
        r.setGender(p.female() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
        r.setBirthDateElement(new DateType(p.birthDate()));
        r.addAddress(new Address().setUse(Address.AddressUse.HOME).addLine(p.street()).setCity(p.city())
            .setCountry("US"));
        User lead = dir.users.get(p.careTeam()[0]);
        r.addGeneralPractitioner(new Reference("Practitioner/" + lead.id()).setDisplay(lead.display()));
        r.setManagingOrganization(new Reference("Organization/" + DemoDirectory.ORG_ID)
            .setDisplay(DemoDirectory.ORG_NAME));
        return r;
    }
}
