package org.custos.cache;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Derives the search columns of an STU3 AuditEvent from its JSON. Strict only where the cache needs it:
 * {@code recorded} must be an instant (it orders everything) and the searched elements must have the shape STU3
 * gives them; all else is kept as it came, in the raw resource.
 */
public final class AuditExtractor {
    private static final String OBJECT_ROLE = "http://hl7.org/fhir/object-role";

    private AuditExtractor() {
    }

    public static AuditEventRow extract(JsonNode ev) {
        JsonNode recordedNode = ev.get("recorded");
        if (recordedNode == null || !recordedNode.isTextual()) {
            throw new InvalidResourceException("AuditEvent.recorded is missing (it is required)");
        }
        long recorded;
        try {
            recorded = FhirTimes.parseInstantMillis(recordedNode.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidResourceException("AuditEvent.recorded " + e.getMessage());
        }
        Set<String> text = new LinkedHashSet<>();
        JsonNode type = object(ev, "type");
        String typeCode = str(type, "code");
        String typeDisplay = firstNonNull(str(type, "display"), typeCode);

        StringJoiner subCodes = new StringJoiner("|", "|", "|").setEmptyValue("");
        StringJoiner subDisplay = new StringJoiner(", ");
        for (JsonNode c : array(ev, "subtype")) {
            String code = str(c, "code");
            if (code != null) {
                subCodes.add(code);
            }
            String d = firstNonNull(str(c, "display"), code);
            if (d != null) {
                subDisplay.add(d);
            }
        }
        // free text also reads the other search columns (see AuditSql); these are only the words found nowhere else
        add(text, str(ev, "outcomeDesc"));

        Set<String> purposes = new LinkedHashSet<>();
        collectConcepts(array(ev, "purposeOfEvent"), purposes, text);

        Set<String> agentKeys = new LinkedHashSet<>();
        StringJoiner agents = new StringJoiner("; ");
        List<String> otherAgents = new ArrayList<>();
        for (JsonNode a : array(ev, "agent")) {
            String userId = str(object(a, "userId"), "value");
            String name = str(a, "name");
            String ref = str(object(a, "reference"), "reference");
            String altId = str(a, "altId");
            for (String k : new String[]{userId, name, ref, altId}) {
                if (k != null && !k.isBlank()) {
                    agentKeys.add(key(k));
                }
            }
            collectConcepts(array(a, "purposeOfUse"), purposes, text);
            String shown = name != null ? (userId != null && !userId.equals(name) ? name + " (" + userId + ")" : name)
                    : userId != null ? userId : ref != null ? ref : altId;
            if (shown != null) {
                if (a.path("requestor").asBoolean(false)) {
                    agents.add(shown);
                } else {
                    otherAgents.add(shown);
                }
            }
        }
        otherAgents.forEach(agents::add);

        JsonNode source = object(ev, "source");
        String site = str(source, "site");
        String observer = str(object(source, "identifier"), "value");

        Set<String> entityKeys = new LinkedHashSet<>();
        Set<String> patientKeys = new LinkedHashSet<>();
        StringJoiner entities = new StringJoiner("; ");
        StringJoiner patients = new StringJoiner("; ");
        for (JsonNode e : array(ev, "entity")) {
            String ref = stripHistory(str(object(e, "reference"), "reference"));
            String ident = str(object(e, "identifier"), "value");
            boolean patient = isPatient(e, ref);
            String name = str(e, "name");
            for (String k : new String[]{ref, ident}) {
                if (k != null && !k.isBlank()) {
                    entityKeys.add(key(k));
                }
            }
            String patientKey = patient ? patientOf(ref, ident) : null;
            if (patientKey != null) {
                patientKeys.add(key(patientKey));
            }
            String shown = ref != null ? ref : ident != null ? ident : name;
            if (shown != null) {
                (patient ? patients : entities).add(shown);
            }
            add(text, name, str(e, "description"));
        }
        List<String> agentTerms = AgentIndex.terms(agentKeys);
        return new AuditEventRow(recorded, typeCode, typeDisplay, subCodes.toString(), subDisplay.toString(),
                str(ev, "action"), str(ev, "outcome"), site, observer,
                purposes.isEmpty() ? "" : "|" + String.join("|", purposes) + "|",
                agents.toString(), entities.toString(), patients.toString(), searchText(text), keys(agentKeys),
                keys(entityKeys), List.copyOf(patientKeys), purposes.stream().map(AuditExtractor::key).toList(),
                agentTerms, AgentIndex.bits(agentTerms), AuditFacts.of(ev).encode());
    }

    /** A patient an AuditEvent's entity names: "Patient/1" (else the reference or identifier as written), its name. */
    public record PatientRef(String value, String name) {
    }

    /**
     * The patients a stored AuditEvent's entities name, each once, as the patient index knows them (a Patient
     * reference, or an entity in role Patient by its reference, else identifier), with the entity's name (else the
     * reference's display).
     */
    public static List<PatientRef> patients(JsonNode ev) {
        java.util.Map<String, PatientRef> out = new java.util.LinkedHashMap<>();
        for (JsonNode e : array(ev, "entity")) {
            String ref = stripHistory(str(object(e, "reference"), "reference"));
            String value = isPatient(e, ref) ? patientOf(ref, str(object(e, "identifier"), "value")) : null;
            if (value != null) {
                String name = firstNonNull(str(e, "name"), str(object(e, "reference"), "display"));
                out.putIfAbsent(key(value), new PatientRef(value.trim(), name));
            }
        }
        return List.copyOf(out.values());
    }

    /** Whether an entity is about a patient: a Patient reference, or role 1 (Patient) of the object-role codes. */
    private static boolean isPatient(JsonNode e, String ref) {
        JsonNode role = object(e, "role");
        boolean patientRole = "1".equals(str(role, "code"))
                && (str(role, "system") == null || OBJECT_ROLE.equals(str(role, "system")));
        return patientRole || patientReference(ref) != null;
    }

    /** A patient entity's key as written: its Patient reference, else its reference, else its identifier; or null. */
    private static String patientOf(String ref, String ident) {
        // the patient index holds references; an identifier only where the patient has no reference
        String patientRef = patientReference(ref);
        String k = patientRef != null ? patientRef : ref != null ? ref : ident;
        return k == null || k.isBlank() ? null : k;
    }

    /** '|a|b|': keys a LIKE '%|prefix%' can find; '|' inside a key is kept (it only widens a match). */
    private static String keys(Set<String> keys) {
        return keys.isEmpty() ? "" : "|" + String.join("|", keys) + "|";
    }

    /** The lower-case form every key and filter value is compared in. */
    public static String key(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    private static final java.util.regex.Pattern PATIENT_REF =
            java.util.regex.Pattern.compile("(?:^|.*/)(Patient/[A-Za-z0-9\\-.]{1,64})$");

    /** "Patient/123" for a relative or absolute reference to a Patient (version stripped), else null. */
    public static String patientReference(String ref) {
        if (ref == null) {
            return null;
        }
        var m = PATIENT_REF.matcher(ref);
        return m.matches() ? m.group(1) : null;
    }

    public static String stripHistory(String ref) {
        if (ref == null) {
            return null;
        }
        int h = ref.indexOf("/_history/");
        return h > 0 ? ref.substring(0, h) : ref;
    }

    private static void collectConcepts(Iterable<JsonNode> concepts, Set<String> codes, Set<String> text) {
        for (JsonNode cc : concepts) {
            for (JsonNode c : array(cc, "coding")) {
                String code = str(c, "code");
                if (code != null) {
                    codes.add(code);
                }
                add(text, str(c, "display"));
            }
            add(text, str(cc, "text"));
        }
    }

    /** Every word, however many: free text finds an event by its last word too. */
    private static String searchText(Set<String> parts) {
        return String.join(" ", parts).toLowerCase(Locale.ROOT);
    }

    private static void add(Set<String> set, String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                set.add(v);
            }
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static JsonNode object(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new InvalidResourceException(field + " must be an object, found " + n.getNodeType());
        }
        return n;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new InvalidResourceException(field + " must be an array, found " + n.getNodeType());
        }
        return n;
    }

    private static String str(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw new InvalidResourceException(field + " must be a primitive value, found " + n.getNodeType());
        }
        return n.asText();
    }
}
