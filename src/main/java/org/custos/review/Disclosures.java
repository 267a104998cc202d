package org.custos.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.Cache;
import org.custos.cache.PatientEvents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The accounting of disclosures of one patient over a period (issue 13): the patient's cached AuditEvents (current
 * versions, from the access index), each judged by a {@link DisclosureRule}, as rows
 * a report can print: date, recipient, what was disclosed, purpose, and the event they come from.
 */
public final class Disclosures {
    /** One disclosure, as the report prints it. */
    public record Disclosure(Instant date, String recipient, String what, String purpose, String event,
                             String origin) {
    }

    /** What the report covers and found; {@code unreadable}: events whose text could not be read (said, not hidden). */
    public record Accounting(String patient, Instant from, Instant to, List<Disclosure> disclosures, long checked,
                             long unreadable, List<String> origins) {
    }

    private final Cache cache;
    private final ObjectMapper mapper = new ObjectMapper();

    public Disclosures(Cache cache) {
        this.cache = cache;
    }

    /**
     * The disclosures of {@code patient} of origin {@code originId} (null: every origin) recorded in [from, to],
     * oldest first.
     */
    public Accounting account(String patient, Integer originId, Instant from, Instant to, DisclosureRule rule,
                              BooleanSupplier cancelled) {
        return account(patient, List.of(PatientEvents.referenceKey(patient)), originId, from, to, rule, cancelled);
    }

    /**
     * As above for the patient named {@code patient} in the report, whose events are those the patient index holds
     * under any of {@code keys} ({@link PatientEvents#referenceKey}, {@link PatientEvents#identifierKey}: a patient
     * some events name by identifier only), each once.
     */
    public Accounting account(String patient, java.util.Collection<String> keys, Integer originId, Instant from,
                              Instant to, DisclosureRule rule, BooleanSupplier cancelled) {
        List<Disclosure> out = new ArrayList<>();
        long[] counts = new long[2];
        Set<String> origins = new java.util.TreeSet<>();
        PatientEvents events = cache.patientEvents();
        events.forEach(keys, originId, from.toEpochMilli(), to.toEpochMilli(), cancelled, e -> {
            counts[0]++;
            origins.add(cache.origins().nameOf(e.originId()));
            JsonNode ev;
            try {
                ev = mapper.readTree(e.raw());
            } catch (JsonProcessingException x) {
                counts[1]++;
                return;
            }
            Disclosure d = judge(ev, rule, Instant.ofEpochMilli(e.recorded()), cache.origins().nameOf(e.originId()));
            if (d != null) {
                out.add(d);
            }
        });
        out.sort(Comparator.comparing(Disclosure::date).thenComparing(Disclosure::event));
        return new Accounting(patient, from, to, out, counts[0], counts[1], List.copyOf(origins));
    }

    /** The disclosure an event records under {@code rule}, or null when it records none. */
    static Disclosure judge(JsonNode ev, DisclosureRule rule, Instant recorded, String origin) {
        boolean export = in(ev.path("type"), DisclosureRule.DICOM) && rule.exportTypes().contains(code(ev.path("type")));
        List<String> recipients = new ArrayList<>();
        boolean externalRecipient = false;
        for (JsonNode a : ev.path("agent")) {
            if (!hasRole(a, rule.recipientRoles())) {
                continue;
            }
            String ref = a.path("reference").path("reference").asText(null);
            String name = a.path("name").asText(null);
            if (!rule.own(ref) && !rule.own(name)) {
                externalRecipient = true;
            }
            recipients.add(agentText(a));
        }
        if (!export && !externalRecipient) {
            return null;
        }
        Set<String> purposes = purposes(ev);
        // exempt only when every purpose named is (an Export for marketing requested by a clerk treating is counted)
        if (!purposes.isEmpty() && exemptCodes(ev, rule)) {
            return null;
        }
        return new Disclosure(recorded, recipients.isEmpty() ? "(no recipient recorded)" : String.join("; ",
                recipients), what(ev), purposes.isEmpty() ? "(no purpose recorded)" : String.join(", ", purposes),
                "AuditEvent/" + ev.path("id").asText("?"), origin);
    }

    /** Whether every purpose coding of the event is an exempt ActReason code. */
    private static boolean exemptCodes(JsonNode ev, DisclosureRule rule) {
        List<JsonNode> concepts = new ArrayList<>();
        ev.path("purposeOfEvent").forEach(concepts::add);
        for (JsonNode a : ev.path("agent")) {
            a.path("purposeOfUse").forEach(concepts::add);
        }
        boolean any = false;
        for (JsonNode c : concepts) {
            for (JsonNode coding : c.path("coding")) {
                if (coding.path("code").asText("").isBlank()) {
                    continue;
                }
                any = true;
                if (!in(coding, DisclosureRule.ACT_REASON) || !rule.exemptPurposes().contains(code(coding))) {
                    return false;
                }
            }
        }
        return any;
    }

    /** A coding of one of these systems, or of none. */
    private static boolean in(JsonNode coding, Set<String> systems) {
        String system = coding.path("system").asText("");
        return system.isEmpty() || systems.contains(system.toLowerCase(Locale.ROOT));
    }

    private static boolean hasRole(JsonNode agent, Set<String> roles) {
        for (JsonNode r : agent.path("role")) {
            for (JsonNode c : r.path("coding")) {
                if (in(c, DisclosureRule.DICOM) && roles.contains(c.path("code").asText("").toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** "Name (reference, userId, address)" of a recipient, with what the event says of it. */
    private static String agentText(JsonNode a) {
        List<String> ids = new ArrayList<>();
        for (String s : new String[]{a.path("reference").path("reference").asText(null),
            a.path("userId").path("value").asText(null), a.path("network").path("address").asText(null)}) {
            if (s != null && !s.isBlank()) {
                ids.add(s);
            }
        }
        String name = a.path("name").asText(a.path("reference").path("display").asText(""));
        return name.isBlank() ? (ids.isEmpty() ? "(unnamed)" : String.join(", ", ids))
                : name + (ids.isEmpty() ? "" : " (" + String.join(", ", ids) + ")");
    }

    /** What was disclosed: each entity's name, description, type and reference. */
    private static String what(JsonNode ev) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : ev.path("entity")) {
            List<String> bits = new ArrayList<>();
            String name = e.path("name").asText("");
            String description = e.path("description").asText("");
            String type = e.path("type").path("display").asText(e.path("type").path("code").asText(""));
            String ref = e.path("reference").path("reference").asText(e.path("identifier").path("value").asText(""));
            for (String s : new String[]{name, description}) {
                if (!s.isBlank()) {
                    bits.add(s);
                }
            }
            String id = (type.isBlank() ? "" : type) + (ref.isBlank() ? "" : (type.isBlank() ? "" : " ") + ref);
            parts.add(String.join(" — ", bits) + (id.isBlank() ? "" : (bits.isEmpty() ? id : " (" + id + ")")));
        }
        parts.removeIf(String::isBlank);
        String type = ev.path("type").path("display").asText(code(ev.path("type")));
        return (type.isBlank() ? "" : type + ": ") + (parts.isEmpty() ? "(no entity recorded)" : String.join("; ",
                parts));
    }

    /** The purposes named: purposeOfEvent and the agents' purposeOfUse, as "CODE display". */
    private static Set<String> purposes(JsonNode ev) {
        Set<String> out = new LinkedHashSet<>();
        List<JsonNode> concepts = new ArrayList<>();
        ev.path("purposeOfEvent").forEach(concepts::add);
        for (JsonNode a : ev.path("agent")) {
            a.path("purposeOfUse").forEach(concepts::add);
        }
        for (JsonNode c : concepts) {
            for (JsonNode coding : c.path("coding")) {
                String code = coding.path("code").asText("");
                if (!code.isBlank()) {
                    String display = coding.path("display").asText("");
                    out.add(code + (display.isBlank() ? "" : " " + display));
                }
            }
        }
        return out;
    }

    private static String code(JsonNode coding) {
        return coding.path("code").asText("").toLowerCase(Locale.ROOT);
    }
}
