package org.custos.patient;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words a patient reads instead of FHIR's: what was done (an AuditEvent's action), to which part of their record
 * (the kinds of resource it touched) and why (its purpose of use).
 */
final class PlainWords {
    private PlainWords() {
    }

    private static final Map<String, String> RECORDS = Map.ofEntries(
            Map.entry("Observation", "lab results"),
            Map.entry("DiagnosticReport", "test reports"),
            Map.entry("Condition", "health conditions"),
            Map.entry("MedicationRequest", "prescriptions"),
            Map.entry("MedicationStatement", "medicines"),
            Map.entry("AllergyIntolerance", "allergies"),
            Map.entry("Encounter", "visits"),
            Map.entry("Procedure", "procedures"),
            Map.entry("DocumentReference", "documents"),
            Map.entry("Immunization", "vaccinations"),
            Map.entry("CarePlan", "care plans"),
            Map.entry("ImagingStudy", "scans"),
            Map.entry("Consent", "consents"),
            Map.entry("Patient", "personal details"));

    private static final Map<String, String> PURPOSES = Map.ofEntries(
            Map.entry("TREAT", "for treatment"),
            Map.entry("ETREAT", "for emergency treatment"),
            Map.entry("BTG", "in an emergency"),
            Map.entry("HPAYMT", "for payment"),
            Map.entry("HOPERAT", "to run the hospital"),
            Map.entry("HRESCH", "for research"),
            Map.entry("PUBHLTH", "for public health"),
            Map.entry("HMARKT", "for marketing"),
            Map.entry("PATRQT", "because you asked"),
            Map.entry("FAMRQT", "because your family asked"),
            Map.entry("HLEGAL", "for legal reasons"),
            Map.entry("CAREMGT", "to manage your care"));

    /** "your lab results and visits" for {@code [Observation, Encounter]}; "your record" for none or unknown ones. */
    static String records(List<String> types) {
        List<String> words = types.stream().map(t -> RECORDS.getOrDefault(t, null)).filter(w -> w != null)
                .distinct().toList();
        if (words.isEmpty()) {
            return "your record";
        }
        if (words.size() == 1) {
            return "your " + words.get(0);
        }
        return "your " + String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
    }

    /** "read", "added to", "changed", "deleted from", "looked through" (a search or other use); "opened" if unknown. */
    static String verb(String action) {
        return switch (action == null ? "" : action.toUpperCase(Locale.ROOT)) {
            case "C" -> "added to";
            case "R" -> "read";
            case "U" -> "changed";
            case "D" -> "deleted from";
            case "E" -> "looked through";
            default -> "opened";
        };
    }

    /** The same in the infinitive, for an access that was refused: "read", "add to", "change"… */
    static String tried(String action) {
        return switch (action == null ? "" : action.toUpperCase(Locale.ROOT)) {
            case "C" -> "add to";
            case "R" -> "read";
            case "U" -> "change";
            case "D" -> "delete from";
            case "E" -> "look through";
            default -> "open";
        };
    }

    /** "for treatment", "in an emergency"…; the first purpose known, else null (none given, or only unknown codes). */
    static String purpose(List<String> codes) {
        for (String c : codes) {
            String w = PURPOSES.get(c.toUpperCase(Locale.ROOT));
            if (w != null) {
                return w;
            }
        }
        return null;
    }
}
