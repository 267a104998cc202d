package org.custos.demo;

import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.Coding;

/** Code systems and codes used by the demo data (STU3 URIs). Codings are created fresh on every call. */
final class DemoCodes {

    private DemoCodes() {
    }

    static final String BASE = "http://example.org/custos-demo/fhir/";
    static final String USERS = "http://example.org/custos-demo/users";
    static final String MRN = "http://example.org/custos-demo/mrn";
    static final String ORG_IDS = "http://example.org/custos-demo/organizations";

    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String EVENT_TYPE = "http://hl7.org/fhir/audit-event-type";
    static final String REST = "http://hl7.org/fhir/restful-interaction";
    static final String OBJECT_TYPE = "http://hl7.org/fhir/object-type";
    static final String OBJECT_ROLE = "http://hl7.org/fhir/object-role";
    static final String LIFECYCLE = "http://hl7.org/fhir/dicom-audit-lifecycle";
    static final String CONFIDENTIALITY = "http://hl7.org/fhir/v3/Confidentiality";
    static final String ACT_REASON = "http://hl7.org/fhir/v3/ActReason";
    static final String SOURCE_TYPE = "http://hl7.org/fhir/security-source-type";
    static final String PRACTITIONER_ROLE = "http://hl7.org/fhir/practitioner-role";
    static final String ROLE_CLASS = "http://hl7.org/fhir/v3/RoleClass";
    static final String V2_0203 = "http://hl7.org/fhir/v2/0203";
    static final String V2_0360 = "http://hl7.org/fhir/v2/0360/2.7";
    static final String ORG_TYPE = "http://hl7.org/fhir/organization-type";

    static Coding coding(String system, String code, String display) {
        return new Coding(system, code, display);
    }

    static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept().addCoding(coding(system, code, display));
    }

    // AuditEvent.type
    static Coding typeRest() {
        return coding(EVENT_TYPE, "rest", "RESTful Operation");
    }

    static Coding typeUserAuthentication() {
        return coding(DCM, "110114", "User Authentication");
    }

    static Coding typeExport() {
        return coding(DCM, "110106", "Export");
    }

    // AuditEvent.subtype
    static Coding subtypeLogin() {
        return coding(DCM, "110122", "Login");
    }

    static Coding subtypeLogout() {
        return coding(DCM, "110123", "Logout");
    }

    static Coding subtypeRest(String interaction) {
        return coding(REST, interaction, interaction);
    }

    static Coding subtypeDisclosure() {
        return coding(LIFECYCLE, "11", "Disclosure");
    }

    // agent roles
    static Coding roleApplication() {
        return coding(DCM, "110150", "Application");
    }

    static Coding roleSource() {
        return coding(DCM, "110153", "Source Role ID");
    }

    static Coding roleDestination() {
        return coding(DCM, "110152", "Destination Role ID");
    }

    // entity type / role
    static Coding objectPerson() {
        return coding(OBJECT_TYPE, "1", "Person");
    }

    static Coding objectSystem() {
        return coding(OBJECT_TYPE, "2", "System Object");
    }

    static Coding rolePatient() {
        return coding(OBJECT_ROLE, "1", "Patient");
    }

    static Coding roleReport() {
        return coding(OBJECT_ROLE, "3", "Report");
    }

    static Coding roleDomainResource() {
        return coding(OBJECT_ROLE, "4", "Domain Resource");
    }

    static Coding roleQuery() {
        return coding(OBJECT_ROLE, "24", "Query");
    }

    /** dicom-audit-lifecycle: 1 creation, 3 amendment, 6 access/use, 10 export, 11 disclosure, 14 logical deletion. */
    static Coding lifecycle(String code) {
        String display = switch (code) {
            case "1" -> "Origination / Creation";
            case "3" -> "Amendment";
            case "6" -> "Access / Use";
            case "10" -> "Export";
            case "11" -> "Disclosure";
            case "14" -> "Logical deletion";
            default -> throw new IllegalArgumentException("lifecycle " + code);
        };
        return coding(LIFECYCLE, code, display);
    }

    static Coding confidentiality(String code) {
        String display = switch (code) {
            case "N" -> "normal";
            case "R" -> "restricted";
            case "V" -> "very restricted";
            default -> throw new IllegalArgumentException("confidentiality " + code);
        };
        return coding(CONFIDENTIALITY, code, display);
    }

    static CodeableConcept actReason(String code) {
        String display = switch (code) {
            case "BTG" -> "break the glass";
            case "ETREAT" -> "Emergency Treatment";
            case "TREAT" -> "treatment";
            case "HPAYMT" -> "healthcare payment";
            case "HMARKT" -> "healthcare marketing";
            case "LEGAL" -> "subpoena";
            case "PATRQT" -> "patient requested";
            case "PUBHLTH" -> "public health";
            default -> throw new IllegalArgumentException("ActReason " + code);
        };
        return concept(ACT_REASON, code, display);
    }

    static Coding sourceType(String code) {
        return coding(SOURCE_TYPE, code, "3".equals(code) ? "Web Server" : "Application Server");
    }
}
