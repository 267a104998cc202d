package org.custos.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quick search for people (Patient, Practitioner, Organization, RelatedPerson) on one server, for the suggestions
 * of a reference field: {@code Type?name=word&name=word} (every word, as the server matches name parts), or
 * {@code identifier=} when the text looks like an identifier, or {@code _id=} for a reference ("Patient/123"). Few
 * hits per type ({@code _count}), one attempt, and a short deadline for the whole search (2 s unless told), so a
 * server that is down or slow costs a suggestion list no more than that; cancellable. Plain records out, the
 * resources' JSON as the server sent it included (to be cached under the server's origin).
 */
public final class PeopleSearch {
    /** The people types, in the order they are asked. */
    public static final List<String> TYPES = ServerProfile.PEOPLE_TYPES;
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);
    public static final int DEFAULT_COUNT = 10;
    private static final Pattern REFERENCE = Pattern.compile("(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /**
     * One person the server has.
     *
     * @param display     the name (HumanName text, else given family; an Organization's name), or null
     * @param identifiers "system|value, value" ('' for none)
     * @param json        the resource as the server sent it
     */
    public record Found(String type, String id, String display, String identifiers, String json) {
        public String reference() {
            return type + "/" + id;
        }
    }

    private final ServerProfile profile;
    private final Duration deadline;
    private final int count;

    public PeopleSearch(ServerProfile profile) {
        this(profile, DEFAULT_DEADLINE, DEFAULT_COUNT);
    }

    public PeopleSearch(ServerProfile profile, Duration deadline, int count) {
        this.profile = profile;
        this.deadline = deadline;
        this.count = Math.max(1, Math.min(50, count));
    }

    /**
     * The people of these types (null or empty: all four) the server finds for {@code text}, type by type, each
     * type's hits in the server's order. Stops at the deadline or when cancelled (what was found by then is
     * returned), and at the first fault that says the server cannot answer (unreachable, timeout, TLS, 401/403): it
     * throws {@link FhirServerException} then, unless something was already found. Blank text asks nothing.
     */
    public List<Found> search(String text, Collection<String> types, Cancellation cancel) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return List.of();
        }
        List<String> ts = types == null || types.isEmpty() ? TYPES
                : TYPES.stream().filter(types::contains).toList();
        Map<String, String> queries = new LinkedHashMap<>();
        Matcher ref = REFERENCE.matcher(t);
        if (ref.matches()) {
            if (ts.contains(ref.group(1))) {
                queries.put(ref.group(1), "_id=" + enc(ref.group(2)));
            }
        } else {
            String q = looksLikeIdentifier(t) ? "identifier=" + enc(t) : String.join("&",
                    java.util.Arrays.stream(t.split("\\s+")).map(w -> "name=" + enc(w)).toList());
            ts.forEach(type -> queries.put(type, q));
        }
        long end = System.nanoTime() + deadline.toNanos();
        List<Found> out = new ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            long left = end - System.nanoTime();
            if (left <= Duration.ofMillis(50).toNanos() || cancel.isCancelled()) {
                break;
            }
            // the whole answer within what is left of the deadline (FhirHttp waits connect + read at most)
            Duration connect = Duration.ofNanos(Math.min(left / 2, profile.connectTimeout().toNanos()));
            Duration read = Duration.ofNanos(left - connect.toNanos());
            FhirHttp http = new FhirHttp(profile.withTimeouts(connect, read), RetryPolicy.ONCE, cancel, null);
            ObjectNode bundle;
            try {
                bundle = http.getJson(http.at(q.getKey() + "?" + q.getValue() + "&_count=" + count));
            } catch (FhirServerException e) {
                if (e.kind() == FhirServerException.Kind.CANCELLED) {
                    break;
                }
                if (stopsTheSearch(e.kind()) && out.isEmpty()) {
                    throw e;
                }
                if (stopsTheSearch(e.kind())) {
                    break;
                }
                continue;   // this type refused (e.g. not supported, 400): the others may answer
            }
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode r = entry.path("resource");
                String type = r.path("resourceType").asText("");
                String id = r.path("id").asText("");
                if (type.equals(q.getKey()) && ID.matcher(id).matches()
                        && !"include".equals(entry.path("search").path("mode").asText("match"))) {
                    out.add(new Found(type, id, display(r), identifiers(r), r.toString()));
                }
            }
        }
        return out;
    }

    private static boolean stopsTheSearch(FhirServerException.Kind k) {
        return switch (k) {
            case UNREACHABLE, TIMEOUT, TLS, UNAUTHORIZED, FORBIDDEN, UNSAFE, NOT_FHIR, FOREIGN_LINK -> true;
            default -> false;
        };
    }

    /** No white space, and a digit or a "system|value" bar in it: "999911120", "urn:oid:1.2|123", "f001". */
    static boolean looksLikeIdentifier(String t) {
        return !t.matches(".*\\s.*") && (t.contains("|") || t.chars().anyMatch(Character::isDigit));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** HumanName.text, else prefix given family suffix, of the first name; an Organization's name. */
    static String display(JsonNode r) {
        JsonNode name = r.path("name");
        if (name.isTextual()) {
            return name.asText().isBlank() ? null : name.asText().trim();
        }
        for (JsonNode n : name) {
            String text = n.path("text").asText("").trim();
            if (!text.isEmpty()) {
                return text;
            }
            List<String> parts = new ArrayList<>();
            n.path("prefix").forEach(p -> parts.add(p.asText("")));
            n.path("given").forEach(p -> parts.add(p.asText("")));
            parts.add(n.path("family").asText(""));
            n.path("suffix").forEach(p -> parts.add(p.asText("")));
            String joined = String.join(" ", parts.stream().map(String::trim).filter(p -> !p.isEmpty()).toList());
            if (!joined.isEmpty()) {
                return joined;
            }
        }
        return null;
    }

    private static String identifiers(JsonNode r) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : r.path("identifier")) {
            String value = i.path("value").asText("");
            if (!value.isBlank()) {
                String system = i.path("system").asText("");
                out.add(system.isBlank() ? value : system + "|" + value);
            }
        }
        return String.join(", ", out);
    }
}
