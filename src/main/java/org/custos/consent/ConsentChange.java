package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.consent.ConsentDecision.Outcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What changed between two versions of a consent, in sentences, each classified as tightened (less is permitted),
 * loosened (more is permitted), mixed, or neutral (no effect on any decision, or unclear). Pure.
 *
 * <ul>
 * <li>Status: becoming inactive or rejected is a revocation (tightened), becoming active a reinstatement
 * (loosened), entered-in-error is neutral (a correction of the record).</li>
 * <li>{@code period} and {@code dataPeriod} of the consent: shortened is tightened, extended loosened, moved
 * mixed.</li>
 * <li>Base policy, scope and except entries (added, removed, changed): classified by the decision engine — both
 * versions (made active, without period, so that only this change differs) are asked the same requests built from
 * the values they state ({@link ConsentProbes}); a request that was permitted and no longer is makes the change
 * tightened, one that was denied (or not decided) and now is permitted loosened. So an added deny is tightened, an
 * added permit loosened, a removed deny loosened — and a permit that a more specific deny overrides anyway is
 * neutral.</li>
 * </ul>
 * Except entries are matched between the versions by content (an identical entry is unchanged, wherever it
 * moved); the ones left over are paired in document order as changed, the rest are added or removed.
 */
public final class ConsentChange {

    /** How a change affects what is permitted. */
    public enum Direction {
        /** Less is permitted. */
        TIGHTENED,
        /** More is permitted. */
        LOOSENED,
        /** Some requests are permitted that were not, and the other way round. */
        MIXED,
        /** No decision changes, or Custos cannot tell. */
        NEUTRAL;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One change: the element (in the newer version; a removed entry: in the older), how it acts, in words. */
    public record Item(String path, Direction direction, String text) {
    }

    private final ConsentSummary summary;

    public ConsentChange(ConsentSummary summary) {
        this.summary = summary == null ? new ConsentSummary() : summary;
    }

    public ConsentChange() {
        this(null);
    }

    /** The changes from {@code older} to {@code newer} (empty when they mean the same). */
    public List<Item> between(JsonNode older, JsonNode newer) {
        List<Item> out = new ArrayList<>();
        status(older, newer, out);
        period(older, newer, "period", "The period in force", out);
        period(older, newer, "dataPeriod", "The period of the data covered", out);
        String oldRule = ConsentProbes.text(older.get("policyRule"));
        String newRule = ConsentProbes.text(newer.get("policyRule"));
        if (!Objects.equals(oldRule, newRule)) {
            Outcome a = ConsentProbes.baseAnswer(older);
            Outcome b = ConsentProbes.baseAnswer(newer);
            Direction d = a == b ? Direction.NEUTRAL : b == Outcome.PERMIT ? Direction.LOOSENED
                    : a == Outcome.PERMIT ? Direction.TIGHTENED : b == Outcome.DENY ? Direction.TIGHTENED
                    : Direction.LOOSENED;
            out.add(new Item("Consent.policyRule", d, "Base policy changed from " + base(oldRule, a) + " to "
                    + base(newRule, b) + "."));
        }
        for (String scope : List.of("actor", "action", "purpose", "securityLabel", "data")) {
            if (!Objects.equals(older.get(scope), newer.get(scope))) {
                ObjectNode a = neutral(older);
                ObjectNode b = a.deepCopy();
                set(b, scope, newer.get(scope));
                out.add(new Item("Consent." + scope, compare(a, b), "The consent's scope (" + scope + ") changed"
                        + (newer.path(scope).size() == 0 ? ": it is no longer limited by " + scope
                        : older.path(scope).size() == 0 ? ": it is now limited by " + scope : "") + "."));
            }
        }
        excepts(older, newer, out);
        return out;
    }

    /** The whole change: tightened, loosened, mixed or neutral. */
    public static Direction overall(List<Item> items) {
        boolean tighter = false;
        boolean looser = false;
        for (Item i : items) {
            tighter |= i.direction() == Direction.TIGHTENED || i.direction() == Direction.MIXED;
            looser |= i.direction() == Direction.LOOSENED || i.direction() == Direction.MIXED;
        }
        return tighter && looser ? Direction.MIXED : tighter ? Direction.TIGHTENED : looser ? Direction.LOOSENED
                : Direction.NEUTRAL;
    }

    /** Sentences, one per change, each starting with its classification; "No change in meaning." when none. */
    public String text(JsonNode older, JsonNode newer) {
        List<Item> items = between(older, newer);
        if (items.isEmpty()) {
            return "No change in meaning.";
        }
        List<String> lines = new ArrayList<>();
        lines.add("Overall: " + overall(items).word() + ".");
        for (Item i : items) {
            lines.add("[" + i.direction().word() + "] " + i.text());
        }
        return String.join("\n", lines);
    }

    // ---- status and periods ----

    private static void status(JsonNode older, JsonNode newer, List<Item> out) {
        String a = ConsentProbes.text(older.get("status"));
        String b = ConsentProbes.text(newer.get("status"));
        if (Objects.equals(a, b)) {
            return;
        }
        String from = a == null ? "no status" : a;
        String to = b == null ? "no status" : b;
        boolean wasActive = "active".equals(a);
        if ("entered-in-error".equals(b)) {
            out.add(new Item("Consent.status", Direction.NEUTRAL, "Marked as entered in error (status " + from
                    + " → " + to + "): the record was a mistake, and is not in force."));
        } else if (wasActive) {
            out.add(new Item("Consent.status", Direction.TIGHTENED, ("inactive".equals(b) || "rejected".equals(b)
                    ? "Revoked" : "No longer in force") + " (status " + from + " → " + to + ")."));
        } else if ("active".equals(b)) {
            out.add(new Item("Consent.status", Direction.LOOSENED, ("inactive".equals(a) || "rejected".equals(a)
                    ? "Reinstated" : "Put in force") + " (status " + from + " → " + to + ")."));
        } else {
            out.add(new Item("Consent.status", Direction.NEUTRAL, "Status " + from + " → " + to
                    + " (not in force either way)."));
        }
    }

    private static void period(JsonNode older, JsonNode newer, String element, String what, List<Item> out) {
        JsonNode a = older.get(element);
        JsonNode b = newer.get(element);
        if (Objects.equals(a, b)) {
            return;
        }
        Instant[] x = span(a);
        Instant[] y = span(b);
        Direction d;
        String how;
        if (x == null || y == null) {
            d = Direction.NEUTRAL;
            how = "Custos cannot read one of the dates";
        } else if (x[0].equals(y[0]) && x[1].equals(y[1])) {
            d = Direction.NEUTRAL;
            how = "the same span";
        } else if (!y[0].isBefore(x[0]) && !y[1].isAfter(x[1])) {
            d = Direction.TIGHTENED;
            how = "shortened";
        } else if (!y[0].isAfter(x[0]) && !y[1].isBefore(x[1])) {
            d = Direction.LOOSENED;
            how = "extended";
        } else {
            d = Direction.MIXED;
            how = "moved: longer at one end, shorter at the other";
        }
        out.add(new Item("Consent." + element, d, what + " changed: " + how + " (was " + words(a) + "; now "
                + words(b) + ")."));
    }

    /** [first, last] instant a period covers (open ends at the extremes), or null when a date cannot be read. */
    private static Instant[] span(JsonNode p) {
        String s = p == null ? null : ConsentProbes.text(p.get("start"));
        String e = p == null ? null : ConsentProbes.text(p.get("end"));
        Instant[] sb = ConsentProbes.bounds(s);
        Instant[] eb = ConsentProbes.bounds(e);
        if (s != null && sb == null || e != null && eb == null) {
            return null;
        }
        return new Instant[]{sb == null ? Instant.MIN : sb[0], eb == null ? Instant.MAX : eb[1]};
    }

    private static String words(JsonNode p) {
        String s = ConsentSummary.period(p);
        return s == null ? "no limit" : s;
    }

    private static String base(String rule, Outcome o) {
        return rule == null ? "none" : rule + (o == Outcome.PERMIT ? " (opt-in: permit)"
                : o == Outcome.DENY ? " (opt-out: deny)" : " (no base answer)");
    }

    // ---- except entries ----

    private void excepts(JsonNode older, JsonNode newer, List<Item> out) {
        List<JsonNode> a = new ArrayList<>();
        older.path("except").forEach(a::add);
        List<JsonNode> b = new ArrayList<>();
        newer.path("except").forEach(b::add);
        boolean[] usedA = new boolean[a.size()];
        boolean[] usedB = new boolean[b.size()];
        for (int j = 0; j < b.size(); j++) {
            for (int i = 0; i < a.size(); i++) {
                if (!usedA[i] && a.get(i).equals(b.get(j))) {
                    usedA[i] = true;
                    usedB[j] = true;
                    break;
                }
            }
        }
        List<Integer> leftA = new ArrayList<>();
        List<Integer> leftB = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!usedA[i]) {
                leftA.add(i);
            }
        }
        for (int j = 0; j < b.size(); j++) {
            if (!usedB[j]) {
                leftB.add(j);
            }
        }
        ObjectNode base = neutral(older);
        int pairs = Math.min(leftA.size(), leftB.size());
        for (int k = 0; k < pairs; k++) {
            int i = leftA.get(k);
            int j = leftB.get(k);
            ObjectNode after = base.deepCopy();
            ((ArrayNode) after.get("except")).set(i, b.get(j).deepCopy());
            out.add(new Item("Consent.except[" + j + "]", compare(base, after), "Exception " + (i + 1)
                    + (i == j ? "" : " (now " + (j + 1) + ")") + " changed (" + String.join(", ", differing(a.get(i),
                    b.get(j))) + "): it was \"" + describe(older, i) + "\", now \"" + describe(newer, j) + "\"."));
        }
        for (int k = pairs; k < leftB.size(); k++) {
            int j = leftB.get(k);
            ObjectNode after = base.deepCopy();
            ((ArrayNode) after.get("except")).add(b.get(j).deepCopy());
            out.add(new Item("Consent.except[" + j + "]", compare(base, after), "Added exception " + (j + 1) + ": "
                    + describe(newer, j) + "."));
        }
        for (int k = pairs; k < leftA.size(); k++) {
            int i = leftA.get(k);
            ObjectNode after = base.deepCopy();
            ((ArrayNode) after.get("except")).remove(i);
            out.add(new Item("Consent.except[" + i + "]", compare(base, after), "Removed exception " + (i + 1)
                    + " (of the earlier version): " + describe(older, i) + "."));
        }
    }

    /** The summary's sentence for one exception, without its "Exception n (type): " head. */
    private String describe(JsonNode consent, int i) {
        for (ConsentSummary.Sentence s : summary.sentences(consent)) {
            if (s.path().equals("Consent.except[" + i + "]")) {
                String t = s.text();
                int colon = t.indexOf("): ");
                String type = consent.path("except").get(i).path("type").asText("");
                t = colon > 0 ? t.substring(colon + 3) : t;
                t = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
                return (type.isEmpty() ? "" : type + ": ") + t;
            }
        }
        return "exception " + (i + 1);
    }

    private static List<String> differing(JsonNode a, JsonNode b) {
        List<String> names = new ArrayList<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        });
        return names.stream().filter(n -> !Objects.equals(a.get(n), b.get(n))).toList();
    }

    // ---- asking the engine ----

    /** The consent made active, without period: only the change under test differs between the two versions. */
    private static ObjectNode neutral(JsonNode c) {
        ObjectNode n = c.deepCopy();
        n.put("resourceType", "Consent");
        n.put("status", "active");
        n.remove("period");
        if (!n.has("except")) {
            n.putArray("except");
        }
        return n;
    }

    private static void set(ObjectNode n, String element, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            n.remove(element);
        } else {
            n.set(element, value.deepCopy());
        }
    }

    /** Whether {@code after} permits less, more, both or the same as {@code before}, over the probe requests. */
    static Direction compare(JsonNode before, JsonNode after) {
        ConsentDecision x = ConsentProbes.compileOrNull(before);
        ConsentDecision y = ConsentProbes.compileOrNull(after);
        if (x == null || y == null) {
            return Direction.NEUTRAL;
        }
        boolean[] tl = {false, false};
        new ConsentProbes(before, after).forEach(r -> {
            int a = score(x.outcome(r));
            int b = score(y.outcome(r));
            if (b < a) {
                tl[0] = true;
            } else if (b > a) {
                tl[1] = true;
            }
            return !(tl[0] && tl[1]);
        });
        return tl[0] && tl[1] ? Direction.MIXED : tl[0] ? Direction.TIGHTENED : tl[1] ? Direction.LOOSENED
                : Direction.NEUTRAL;
    }

    /** Permit above not-decided (undecidable, not applicable) above deny. */
    private static int score(Outcome o) {
        return switch (o) {
            case PERMIT -> 2;
            case DENY -> 0;
            default -> 1;
        };
    }
}
