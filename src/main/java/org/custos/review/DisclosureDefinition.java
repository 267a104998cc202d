package org.custos.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.Cache;
import org.custos.cache.ReportSettings;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What counts as a disclosure, as the user wrote it (the codes and organisations in their order and case), kept in the
 * cache as the report setting {@value #NAME} so that the app and {@code custos report disclosures} report alike. The
 * {@link DisclosureRule} it makes compares case-blind. Unsaved, the defaults apply ({@link DisclosureRule#defaults()}).
 */
public record DisclosureDefinition(List<String> exportTypes, List<String> recipientRoles,
                                   List<String> ownOrganisations, List<String> exemptPurposes) {
    /** The name of the report setting. */
    public static final String NAME = "disclosures";
    private static final List<String> FIELDS = List.of("exportTypes", "recipientRoles", "ownOrganisations",
            "exemptPurposes");

    public DisclosureDefinition {
        exportTypes = clean(exportTypes);
        recipientRoles = clean(recipientRoles);
        ownOrganisations = clean(ownOrganisations);
        exemptPurposes = clean(exemptPurposes);
    }

    /** Export events (DICOM 110106), Destination agents (DICOM 110152), no own organisation, TPO exempt. */
    public static DisclosureDefinition defaults() {
        return new DisclosureDefinition(List.of("110106"), List.of("110152"), List.of(),
                DisclosureRule.TPO_CODES);
    }

    /** The definition kept in {@code cache}, else the defaults. */
    public static DisclosureDefinition of(Cache cache) {
        return cache.reportSettings().get(NAME).map(s -> fromJson(s.text())).orElse(defaults());
    }

    /** When and by whom the kept definition was last changed; empty when the defaults apply. */
    public static Optional<ReportSettings.Setting> kept(Cache cache) {
        return cache.reportSettings().get(NAME);
    }

    /** The definition a report applies and its description, read together (a save meanwhile cannot split them). */
    public record Applied(DisclosureDefinition definition, String description) {
    }

    /** The definition kept in {@code cache} (else the defaults) and its description, from one read. */
    public static Applied applied(Cache cache, java.time.ZoneId zone) {
        Optional<ReportSettings.Setting> kept = kept(cache);
        return new Applied(kept.map(k -> fromJson(k.text())).orElse(defaults()), describe(kept, zone));
    }

    /**
     * Which definition a report applied, in words: "the defaults", or the kept change's number, time and author
     * (the change is kept in the cache's history of the setting).
     */
    private static String describe(Optional<ReportSettings.Setting> kept, java.time.ZoneId zone) {
        return kept.map(k -> "as changed on " + java.time.format.DateTimeFormatter.ofPattern(
                "yyyy-MM-dd HH:mm z").withZone(zone).format(java.time.Instant.ofEpochMilli(k.changed()))
                + (k.changedBy() == null ? "" : " by " + k.changedBy()) + " (change no. " + k.seq() + " kept in the "
                + "cache)").orElse("the defaults (DICOM 110106 Export or a 110152 Destination not of your own "
                + "organisations; treatment, payment and operations exempt)");
    }

    /** The rule the report applies. */
    public DisclosureRule rule() {
        return new DisclosureRule(Set.copyOf(exportTypes), Set.copyOf(recipientRoles), Set.copyOf(ownOrganisations),
                Set.copyOf(exemptPurposes));
    }

    /** The same with more own organisations (the command line's {@code --own-org}). */
    public DisclosureDefinition withMoreOwnOrganisations(List<String> more) {
        List<String> all = new ArrayList<>(ownOrganisations);
        all.addAll(more);
        return new DisclosureDefinition(exportTypes, recipientRoles, all, exemptPurposes);
    }

    /** What makes it unusable, in words; empty when it can be saved. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (exportTypes.isEmpty() && recipientRoles.isEmpty()) {
            out.add("Name at least one event type or recipient role: with neither, nothing would ever be accounted.");
        }
        for (String code : concat(exportTypes, recipientRoles)) {
            if (!code.matches("[0-9]{1,16}(\\.[0-9]{1,16})*")) {
                out.add("'" + code + "' is not a DICOM code (digits, like 110106).");
            }
        }
        for (String code : exemptPurposes) {
            if (!code.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
                out.add("'" + code + "' is not a v3 ActReason code (letters, like TREAT).");
            }
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode n = mapper.createObjectNode();
        List<List<String>> values = List.of(exportTypes, recipientRoles, ownOrganisations, exemptPurposes);
        for (int i = 0; i < FIELDS.size(); i++) {
            ArrayNode a = n.putArray(FIELDS.get(i));
            values.get(i).forEach(a::add);
        }
        return n.toString();
    }

    /**
     * A definition from its JSON.
     *
     * @throws IllegalArgumentException not such a JSON object (the message says what is wrong)
     */
    public static DisclosureDefinition fromJson(String json) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("The disclosure definition is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("The disclosure definition is not a JSON object.");
        }
        List<List<String>> values = new ArrayList<>();
        for (String f : FIELDS) {
            JsonNode a = n.path(f);
            if (!a.isMissingNode() && !a.isArray()) {
                throw new IllegalArgumentException("The disclosure definition's '" + f + "' is not a list.");
            }
            List<String> v = new ArrayList<>();
            a.forEach(x -> v.add(x.asText()));
            values.add(v);
        }
        return new DisclosureDefinition(values.get(0), values.get(1), values.get(2), values.get(3));
    }

    /** Trimmed, blanks dropped, each once (case-blind), in the order written. */
    private static List<String> clean(List<String> in) {
        if (in == null) {
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (String s : in) {
            String t = s == null ? "" : s.strip();
            if (!t.isEmpty() && seen.add(t.toLowerCase(java.util.Locale.ROOT))) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }
}
