package org.custos.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search columns of a Consent or a person (Patient, Practitioner, Organization, RelatedPerson), read from its
 * JSON with Jackson (no HAPI model): what {@code resource_search} and {@code resource_word} hold for its current
 * version. Deterministic (verify recomputes it and compares).
 */
final class SearchExtractor {
    /** The people types of the directory. */
    static final List<String> PEOPLE = List.of("Patient", "Practitioner", "Organization", "RelatedPerson");
    /** Every type that has search rows. */
    static final Set<String> TYPES = Set.of("Consent", "Patient", "Practitioner", "Organization", "RelatedPerson");
    static final int WORD_MAX = 256;
    private static final Pattern REF = Pattern.compile(
            "(?:^|.*/)([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]*)?$");
    private static final char US = '\u001F';

    private SearchExtractor() {
    }

    static boolean indexed(String type) {
        return TYPES.contains(type);
    }

    /**
     * The search row of a stored text, or null when its type has none or the text is not JSON. {@code mapper}: the
     * caller's own (no shared static one: an ObjectMapper is configurable state).
     */
    static SearchRow extract(ObjectMapper mapper, String type, String id, Long lastUpdated, String json) {
        if (!indexed(type)) {
            return null;
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
        return extract(type, id, lastUpdated, tree);
    }

    static SearchRow extract(String type, String id, Long lastUpdated, JsonNode tree) {
        return type.equals("Consent") ? consent(id, lastUpdated, tree) : person(type, id, lastUpdated, tree);
    }

    /** "Type/id" of a relative or absolute reference (its version dropped), or null when it is not one. */
    static String reference(String ref) {
        if (ref == null) {
            return null;
        }
        Matcher m = REF.matcher(ref.trim());
        return m.matches() ? m.group(1) + "/" + m.group(2) : null;
    }

    // ---- Consent ----

    private static SearchRow consent(String id, Long lastUpdated, JsonNode t) {
        Text text = new Text();
        text.add(id).add("consent/" + id);
        String status = str(t, "status");
        text.add(status);
        identifiers(t.get("identifier"), text, null);
        Map<String, String> cats = new LinkedHashMap<>();
        for (JsonNode cc : array(t, "category")) {
            concept(cc, cats, text);
        }
        JsonNode patient = t.get("patient");
        String subject = null;
        String patientDisplay = null;
        if (patient != null) {
            String ref = str(patient, "reference");
            subject = reference(ref);
            if (subject == null && ref != null) {
                subject = AuditStore.cut(ref.trim(), 512);
            }
            patientDisplay = str(patient, "display");
            reference(patient, text);
        }
        for (String f : List.of("consentingParty", "organization")) {
            for (JsonNode r : array(t, f)) {
                reference(r, text);
            }
        }
        for (JsonNode a : array(t, "actor")) {
            reference(a.get("reference"), text);
            concept(a.get("role"), new LinkedHashMap<>(), text);
        }
        for (JsonNode a : array(t, "action")) {
            concept(a, new LinkedHashMap<>(), text);
        }
        for (JsonNode p : array(t, "policy")) {
            text.add(str(p, "authority")).add(str(p, "uri"));
        }
        text.add(str(t, "policyRule"));
        for (JsonNode c : array(t, "purpose")) {
            coding(c, new LinkedHashMap<>(), text);
        }
        for (JsonNode c : array(t, "securityLabel")) {
            coding(c, new LinkedHashMap<>(), text);
        }
        reference(t.get("sourceReference"), text);
        identifiers(t.get("sourceIdentifier"), text, null);
        JsonNode att = t.get("sourceAttachment");
        if (att != null) {
            text.add(str(att, "title"));
        }
        for (JsonNode d : array(t, "data")) {
            reference(d.get("reference"), text);
        }
        Long dateTime = time(str(t, "dateTime"), false);
        JsonNode period = t.get("period");
        Long start = period == null ? null : time(str(period, "start"), false);
        Long end = period == null ? null : time(str(period, "end"), true);
        StringBuilder codes = new StringBuilder();
        StringBuilder codeText = new StringBuilder();
        for (Map.Entry<String, String> e : cats.entrySet()) {
            codes.append(codes.length() == 0 ? "|" : "").append(e.getKey()).append('|');
            codeText.append(codeText.length() == 0 ? "" : "\n").append(e.getKey()).append(US)
                    .append(e.getValue() == null ? "" : e.getValue());
        }
        String catWords = cats.entrySet().stream().map(e -> e.getValue() != null ? e.getValue() : e.getKey())
                .reduce((a, b) -> a + ", " + b).orElse("");
        String display = (patientDisplay != null ? patientDisplay : subject != null ? subject : "no patient")
                + (catWords.isEmpty() ? "" : " — " + catWords);
        return new SearchRow("Consent", id, subject, status == null ? null : AuditStore.cut(status, 64),
                codes.toString(), codeText.toString(), dateTime != null ? dateTime : lastUpdated != null ? lastUpdated
                : 0L, start, end, AuditStore.cut(display, 1024), text.toString(), List.of());
    }

    // ---- people ----

    private static SearchRow person(String type, String id, Long lastUpdated, JsonNode t) {
        Text text = new Text();
        Set<String> words = new LinkedHashSet<>();
        String ref = type + "/" + id;
        text.add(id).add(ref);
        word(words, id);
        word(words, ref);
        List<String> names = new ArrayList<>();
        if (type.equals("Organization")) {
            String n = str(t, "name");
            if (n != null && !n.isBlank()) {
                names.add(n.trim());
            }
            for (JsonNode a : array(t, "alias")) {
                if (a.isTextual() && !a.asText().isBlank()) {
                    names.add(a.asText().trim());
                }
            }
        } else {
            JsonNode name = t.get("name");
            List<JsonNode> humanNames = name == null ? List.of() : name.isArray() ? list(name) : List.of(name);
            for (JsonNode h : humanNames) {
                String n = humanName(h);
                if (n != null) {
                    names.add(n);
                }
            }
        }
        for (String n : names) {
            text.add(n);
            for (String w : n.split("[\\s,;]+")) {
                word(words, w);
                String bare = w.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
                word(words, bare);
            }
        }
        StringBuilder ids = new StringBuilder();
        identifiers(t.get("identifier"), text, v -> {
            word(words, v);
        });
        for (JsonNode i : identifierNodes(t.get("identifier"))) {
            String v = str(i, "value");
            if (v != null) {
                String s = str(i, "system");
                ids.append(ids.length() == 0 ? "" : ", ").append(s == null ? v : s + "|" + v);
            }
        }
        Boolean active = t.has("active") && t.get("active").isBoolean() ? t.get("active").asBoolean() : null;
        String display = names.isEmpty() ? ref : names.get(0);
        return new SearchRow(type, id, null, active == null ? null : active ? "active" : "inactive", "",
                AuditStore.cut(ids.toString(), 4000), lastUpdated != null ? lastUpdated : 0L, null, null,
                AuditStore.cut(display, 1024), text.toString(), List.copyOf(words));
    }

    /** HumanName: its text, else prefix given family suffix. */
    static String humanName(JsonNode h) {
        String text = str(h, "text");
        if (text != null && !text.isBlank()) {
            return text.trim().replaceAll("\\s+", " ");
        }
        List<String> parts = new ArrayList<>();
        for (String f : List.of("prefix", "given")) {
            for (JsonNode p : array(h, f)) {
                if (p.isTextual() && !p.asText().isBlank()) {
                    parts.add(p.asText().trim());
                }
            }
        }
        String family = str(h, "family");
        if (family != null && !family.isBlank()) {
            parts.add(family.trim());
        }
        for (JsonNode p : array(h, "suffix")) {
            if (p.isTextual() && !p.asText().isBlank()) {
                parts.add(p.asText().trim());
            }
        }
        return parts.isEmpty() ? null : String.join(" ", parts).replaceAll("\\s+", " ");
    }

    private static void word(Set<String> words, String w) {
        if (w == null) {
            return;
        }
        String k = w.trim().toLowerCase(Locale.ROOT);
        if (!k.isEmpty()) {
            words.add(AuditStore.cut(k, WORD_MAX));
        }
    }

    // ---- pieces ----

    /** The lower-case free text of a row: ' word word ' (a leading and trailing space, so ' prefix' finds a word). */
    static final class Text {
        private final StringBuilder b = new StringBuilder(" ");

        Text add(String s) {
            if (s != null && !s.isBlank()) {
                b.append(s.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")).append(' ');
            }
            return this;
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }

    private static List<JsonNode> identifierNodes(JsonNode n) {
        return n == null ? List.of() : n.isArray() ? list(n) : n.isObject() ? List.of(n) : List.of();
    }

    /** Identifiers (one or an array): 'system|value' and 'value' into the text. */
    private static void identifiers(JsonNode n, Text text, java.util.function.Consumer<String> values) {
        for (JsonNode i : identifierNodes(n)) {
            String v = str(i, "value");
            String s = str(i, "system");
            if (v != null) {
                text.add(v);
                if (s != null) {
                    text.add(s + "|" + v);
                }
                if (values != null) {
                    values.accept(v);
                }
            }
        }
    }

    private static void reference(JsonNode r, Text text) {
        if (r == null || !r.isObject()) {
            return;
        }
        String ref = str(r, "reference");
        text.add(ref);
        String rel = reference(ref);
        if (rel != null && !rel.equals(ref)) {
            text.add(rel);
        }
        text.add(str(r, "display"));
        identifiers(r.get("identifier"), text, null);
    }

    private static void concept(JsonNode cc, Map<String, String> codes, Text text) {
        if (cc == null || !cc.isObject()) {
            return;
        }
        for (JsonNode c : array(cc, "coding")) {
            coding(c, codes, text);
        }
        text.add(str(cc, "text"));
        if (codes.isEmpty() && str(cc, "text") != null) {
            // a category given as text only: its text is its code
            codes.put(AuditStore.cut(str(cc, "text").trim(), 128), null);
        }
    }

    private static void coding(JsonNode c, Map<String, String> codes, Text text) {
        String code = str(c, "code");
        String display = str(c, "display");
        if (code != null && !code.isBlank()) {
            codes.putIfAbsent(code.trim(), display);
        }
        text.add(code).add(display).add(str(c, "system"));
    }

    /** A FHIR date or dateTime ("2016", "2016-05", "2016-05-11", full) as epoch ms: its start, or its end. */
    static Long time(String s, boolean end) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.trim();
        try {
            if (t.length() == 4) {
                int y = Integer.parseInt(t);
                return millis(end ? LocalDate.of(y + 1, 1, 1) : LocalDate.of(y, 1, 1), end);
            }
            if (t.length() == 7) {
                YearMonth ym = YearMonth.parse(t);
                return millis(end ? ym.plusMonths(1).atDay(1) : ym.atDay(1), end);
            }
            if (t.length() == 10) {
                LocalDate d = LocalDate.parse(t);
                return millis(end ? d.plusDays(1) : d, end);
            }
            return FhirTimes.parseInstantMillis(t);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long millis(LocalDate d, boolean end) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - (end ? 1 : 0);
    }

    private static List<JsonNode> array(JsonNode n, String field) {
        if (n == null) {
            return List.of();
        }
        JsonNode a = n.get(field);
        return a == null || !a.isArray() ? List.of() : list(a);
    }

    private static List<JsonNode> list(JsonNode a) {
        List<JsonNode> out = new ArrayList<>(a.size());
        a.forEach(out::add);
        return out;
    }

    private static String str(JsonNode n, String field) {
        if (n == null) {
            return null;
        }
        JsonNode v = n.get(field);
        return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
    }
}
