package org.custos.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.fhir.ServerProfile;

/**
 * Patient mode's last check on what a server returns: an AuditEvent or Consent is stored only when it is of the
 * profile's patient — a Consent whose {@code patient} is that patient, an AuditEvent that names the patient as an
 * agent or an entity (the STU3 Patient compartment's {@code patient} search) — whatever the search asked for.
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
        return switch (resource.path("resourceType").asText("")) {
            case "Consent" -> names(resource.path("patient"), patient);
            case "AuditEvent" -> anyNames(resource.path("agent"), "reference", patient)
                    || anyNames(resource.path("entity"), "reference", patient);
            case "Practitioner", "Organization" -> true;
            default -> false;
        };
    }

    private static boolean anyNames(JsonNode list, String field, String patient) {
        for (JsonNode item : list) {
            if (names(item.path(field), patient)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the Reference {@code ref} points at {@code patient} ({@code Patient/<id>}): relative, absolute (any
     * base) or version-specific.
     */
    static boolean names(JsonNode ref, String patient) {
        String r = ref.path("reference").asText("");
        int history = r.indexOf("/_history/");
        if (history >= 0) {
            r = r.substring(0, history);
        }
        return r.equals(patient) || r.endsWith("/" + patient);
    }
}
