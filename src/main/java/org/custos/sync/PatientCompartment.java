package org.custos.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.fhir.ServerProfile;

/**
 * Patient mode's last check on what a server returns: an AuditEvent or Consent is stored only when it is of the
 * profile's patient — a Consent whose {@code patient} is that patient; an AuditEvent that names the patient as an
 * entity or an agent (the STU3 Patient compartment's {@code patient} search) and no other patient as an entity (an
 * event about someone else, in which the patient only acted, is not theirs to keep) — whatever the search asked for.
 * A reference counts when it is relative or absolute under the profile's own server, version-specific or not.
 * Practitioners and Organizations (the directory's names) are no one's record and pass.
 */
final class PatientCompartment {
    private PatientCompartment() {
    }

    /** Whether {@code resource} may be stored under {@code profile} (always outside patient mode). */
    static boolean holds(ServerProfile profile, JsonNode resource) {
        if (!profile.patientMode()) {
            return true;
        }
        String patient = profile.patient();
        String base = profile.baseUrl();
        return switch (resource.path("resourceType").asText("")) {
            case "Consent" -> names(resource.path("patient"), patient, base);
            case "AuditEvent" -> (anyNames(resource.path("agent"), patient, base)
                    || anyNames(resource.path("entity"), patient, base))
                    && !namesAnotherPatient(resource.path("entity"), patient, base);
            case "Practitioner", "Organization" -> true;
            default -> false;
        };
    }

    private static boolean anyNames(JsonNode list, String patient, String base) {
        for (JsonNode item : list) {
            if (names(item.path("reference"), patient, base)) {
                return true;
            }
        }
        return false;
    }

    private static boolean namesAnotherPatient(JsonNode entities, String patient, String base) {
        for (JsonNode e : entities) {
            String r = plain(e.path("reference").path("reference").asText(""));
            if ((r.startsWith("Patient/") || r.contains("/Patient/")) && !names(e.path("reference"), patient, base)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the Reference {@code ref} points at {@code patient} ({@code Patient/<id>}): relative, or absolute under
     * {@code base}; version-specific or not.
     */
    static boolean names(JsonNode ref, String patient, String base) {
        String r = plain(ref.path("reference").asText(""));
        return r.equals(patient) || r.equals(base + "/" + patient);
    }

    private static String plain(String reference) {
        int history = reference.indexOf("/_history/");
        return history >= 0 ? reference.substring(0, history) : reference;
    }
}
