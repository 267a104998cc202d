package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.cache.AuditFacts;
import org.custos.consent.DecisionRequest.Actor;
import org.custos.consent.DecisionRequest.Code;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a recorded access (an STU3 AuditEvent) asks of a consent: the decision request the event stands for.
 * <ul>
 * <li><b>date</b>: {@code recorded}.</li>
 * <li><b>actors</b>: every agent with a literal {@code reference} (or a {@code userId} value shaped like a
 * reference, {@code Type/id}: a user id is an identifier, and Custos compares consent actors by reference), once per
 * {@code role} coding (without a role when it has none). The requesting agent ({@code requestor = true}) also takes
 * the role recipient ({@code v3 ParticipationType PRCP}): it is the one who received the data, the role the
 * consent examples give the party being permitted or denied.</li>
 * <li><b>action</b> ({@code http://hl7.org/fhir/consentaction}) from {@code AuditEvent.action}: R → access,
 * C → collect, U and D → correct, E → use; an event of type 110106 (DICOM Export) → disclose. No action: unknown.</li>
 * <li><b>purpose</b>: the requestor's {@code purposeOfUse}, else any agent's, else {@code purposeOfEvent} (the
 * first coding). None: unknown.</li>
 * <li><b>class</b>: the resource type ({@code http://hl7.org/fhir/resource-types}) of the first entity that is not
 * the patient (by reference), else {@code Patient}; no entity reference: unknown.</li>
 * <li><b>labels</b>: every entity's {@code securityLabel} codings; an event that records none is taken as data
 * carrying none (labels known, empty). <b>data</b>: every entity reference.</li>
 * </ul>
 */
public final class AuditRequests {
    static final String CONSENT_ACTION = "http://hl7.org/fhir/consentaction";
    static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
    static final Code RECIPIENT = new Code("http://hl7.org/fhir/v3/ParticipationType", "PRCP");
    private static final Pattern REFERENCE = Pattern.compile("(?:.*/)?[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}");

    private AuditRequests() {
    }

    /** The consent action an AuditEvent action code stands for, or null (unknown). */
    public static Code action(String auditAction, String typeCode) {
        if ("110106".equals(typeCode)) {
            return new Code(CONSENT_ACTION, "disclose");
        }
        if (auditAction == null) {
            return null;
        }
        String c = switch (auditAction) {
            case "R" -> "access";
            case "C" -> "collect";
            case "U", "D" -> "correct";
            case "E" -> "use";
            default -> null;
        };
        return c == null ? null : new Code(CONSENT_ACTION, c);
    }

    /** The request an AuditEvent (JSON tree) stands for. */
    public static DecisionRequest of(JsonNode ev) {
        String recorded = FhirValues.text(ev.get("recorded"));
        return of(ev, recorded == null ? null : Instant.ofEpochMilli(FhirValues.bounds(recorded)[0]));
    }

    /** The same, with {@code recorded} already read (as the cache holds it). */
    public static DecisionRequest of(JsonNode ev, Instant date) {
        Set<String> data = new LinkedHashSet<>();
        for (JsonNode e : ev.path("entity")) {
            String ref = FhirValues.reference(FhirValues.text(e.path("reference").get("reference")));
            if (ref != null) {
                data.add(ref);
            }
        }
        return of(AuditFacts.of(ev), date, List.copyOf(data));
    }

    /**
     * The request of an event's facts as the cache keeps them; {@code data} the entity references when known (null:
     * not known, as the cache's facts leave them out).
     */
    public static DecisionRequest of(AuditFacts f, Instant date, List<String> data) {
        List<Actor> actors = new ArrayList<>();
        Code purpose = null;
        Code anyPurpose = null;
        for (AuditFacts.Agent a : f.agents()) {
            String ref = FhirValues.reference(a.reference());
            if (ref == null) {
                String user = a.userId();
                ref = user != null && REFERENCE.matcher(user).matches() ? FhirValues.reference(user) : null;
            }
            if (ref != null) {
                int before = actors.size();
                for (String role : a.roles()) {
                    actors.add(new Actor(ref, Code.parse(role)));
                }
                if (a.requestor()) {
                    actors.add(new Actor(ref, RECIPIENT));
                }
                if (actors.size() == before) {
                    actors.add(new Actor(ref, null));
                }
            }
            Code p = Code.parse(a.purposeOfUse());
            if (p != null && a.requestor() && purpose == null) {
                purpose = p;
            }
            if (p != null && anyPurpose == null) {
                anyPurpose = p;
            }
        }
        if (purpose == null) {
            purpose = anyPurpose != null ? anyPurpose : Code.parse(f.purposeOfEvent());
        }
        List<Code> labels = new ArrayList<>();
        for (String l : f.labels()) {
            labels.add(Code.parse(l));
        }
        String dataType = null;
        boolean patient = false;
        for (String type : f.entityTypes()) {
            if ("Patient".equals(type)) {
                patient = true;
            } else if (dataType == null && !type.isEmpty()) {
                dataType = type;
            }
        }
        String cls = dataType != null ? dataType : patient ? "Patient" : null;
        return new DecisionRequest(date, actors, action(f.action(), f.typeCode()), purpose,
                cls == null ? null : new Code(RESOURCE_TYPES, cls), null, labels, data, null);
    }
}
