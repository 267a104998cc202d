package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.consent.ConsentDecision.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A consent in plain English: who consents for whom, when it is in force, its scope, the base policy, one sentence
 * per exception, and the data and purposes it concerns. Pure (no JavaFX, no cache): names come from a function
 * (reference → display name, e.g. from the people directory), code displays from the codes the consent carries, the
 * value sets ({@link ConsentCodes}) or a short built-in list, else the code itself.
 *
 * <p>The meaning follows {@link ConsentDecision}, not a reading of its own: the base policy is what the engine
 * answers for the policyRule alone, and which exception wins where two overlap is asked of the engine over requests
 * built from the consent's own values ({@link ConsentProbes}). Actors of one exception are phrased as the engine
 * combines them: grouped by role, every stated role taking part, actors of the same role alternatives.
 */
public final class ConsentSummary {

    /** One sentence, and the element it is about ({@code Consent.except[1]}, {@code Consent.policyRule}, …). */
    public record Sentence(String path, String text) {
    }

    private final Function<String, Optional<String>> names;
    private final ConsentCodes codes;

    /** @param names the display name of a reference ("Practitioner/13"), empty when unknown */
    public ConsentSummary(Function<String, Optional<String>> names, ConsentCodes codes) {
        this.names = names == null ? r -> Optional.empty() : names;
        this.codes = codes == null ? ConsentCodes.NONE : codes;
    }

    /** Without names or value sets (the consent's own displays and the built-in list only). */
    public ConsentSummary() {
        this(null, null);
    }

    /** The sentences, one per line. */
    public String text(JsonNode consent) {
        return String.join("\n", sentences(consent).stream().map(Sentence::text).toList());
    }

    /** The summary, sentence by sentence. */
    public List<Sentence> sentences(JsonNode c) {
        List<Sentence> out = new ArrayList<>();
        if (c == null || !"Consent".equals(c.path("resourceType").asText())) {
            out.add(new Sentence("Consent", "This is not a Consent."));
            return out;
        }
        out.add(new Sentence("Consent.status", header(c)));
        out.add(new Sentence("Consent.period", inForce(c)));
        String scope = scope(c);
        if (scope != null) {
            out.add(new Sentence("Consent", scope));
        }
        out.add(new Sentence("Consent.policyRule", base(c)));
        JsonNode ex = c.path("except");
        if (ex.size() == 0) {
            out.add(new Sentence("Consent.except", "There are no exceptions: the base policy decides everything "
                    + "the consent covers."));
        } else {
            Map<Integer, List<Integer>> over = overriders(ex);
            for (int i = 0; i < ex.size(); i++) {
                out.add(new Sentence("Consent.except[" + i + "]", exception(ex, i, over.getOrDefault(i, List.of()))));
            }
            if (ex.size() > 1) {
                out.add(new Sentence("Consent.except", "Where exceptions overlap, the more specific one (stating "
                        + "more criteria) wins; between equally specific ones, a deny wins."));
            }
        }
        out.add(new Sentence("Consent", concerned(c)));
        if (ConsentProbes.compileOrNull(c) == null) {
            out.add(new Sentence("Consent", "Custos cannot decide with this consent as it is (an exception without "
                    + "a type or a date it cannot read)."));
        }
        return out;
    }

    // ---- header ----

    private String header(JsonNode c) {
        String status = ConsentProbes.text(c.get("status"));
        String patient = who(c.get("patient"));
        List<String> parties = new ArrayList<>();
        for (JsonNode p : c.path("consentingParty")) {
            String ref = ConsentProbes.text(p.path("reference"));
            if (ref == null || !ref.equals(ConsentProbes.text(c.path("patient").path("reference")))) {
                parties.add(who(p));
            }
        }
        StringBuilder s = new StringBuilder(statusWord(status)).append(" consent: ");
        if (patient == null) {
            s.append(parties.isEmpty() ? "no patient is named" : or(parties) + " consents (no patient is named)");
        } else if (parties.isEmpty()) {
            s.append(patient).append(" consents for themself");
        } else {
            s.append(and(parties)).append(parties.size() == 1 ? " consents" : " consent").append(" on behalf of ")
                    .append(patient);
        }
        String signed = ConsentProbes.text(c.get("dateTime"));
        if (signed != null) {
            s.append(", signed ").append(signed);
        }
        List<String> orgs = new ArrayList<>();
        c.path("organization").forEach(o -> orgs.add(who(o)));
        if (!orgs.isEmpty()) {
            s.append(", kept by ").append(and(orgs));
        }
        List<String> cats = new ArrayList<>();
        c.path("category").forEach(k -> cats.add(concept(k, ConsentCodes.CATEGORY)));
        if (!cats.isEmpty()) {
            s.append(" (category ").append(and(cats)).append(")");
        }
        return s.append(".").toString();
    }

    private static String statusWord(String status) {
        if (status == null) {
            return "Consent without a status, so not in force —";
        }
        return switch (status) {
            case "active" -> "Active";
            case "draft" -> "Draft (not yet in force)";
            case "proposed" -> "Proposed (not yet in force)";
            case "rejected" -> "Rejected (not in force)";
            case "inactive" -> "Inactive (no longer in force)";
            case "entered-in-error" -> "Entered in error (not in force)";
            default -> "'" + status + "' (not in force)";
        };
    }

    private String inForce(JsonNode c) {
        String p = period(c.get("period"));
        boolean active = "active".equals(ConsentProbes.text(c.get("status")));
        if (p == null) {
            return active ? "It is in force with no end date set, until it is revoked."
                    : "It would be in force with no end date set.";
        }
        return (active ? "It is in force " : "It would be in force ") + p + ".";
    }

    // ---- scope and base policy ----

    private String scope(JsonNode c) {
        List<String> parts = new ArrayList<>();
        if (c.path("actor").size() > 0) {
            parts.add("requests involving " + actors(c.path("actor")));
        }
        if (c.path("action").size() > 0) {
            parts.add("the actions " + actions(c.path("action")));
        }
        if (c.path("purpose").size() > 0) {
            parts.add("the purposes " + codings(c.path("purpose"), ConsentCodes.PURPOSE));
        }
        if (c.path("securityLabel").size() > 0) {
            parts.add("data labelled " + codings(c.path("securityLabel"), ConsentCodes.SECURITY_LABEL));
        }
        String dp = period(c.get("dataPeriod"));
        if (dp != null) {
            parts.add("data dated " + dp);
        }
        if (c.path("data").size() > 0) {
            parts.add(dataRefs(c.path("data")));
        }
        return parts.isEmpty() ? null : "It covers only " + String.join("; ", parts)
                + " (anything else is outside the consent: not applicable).";
    }

    private String base(JsonNode c) {
        String rule = ConsentProbes.text(c.get("policyRule"));
        Outcome base = ConsentProbes.baseAnswer(c);
        if (rule == null) {
            return "There is no base policy (policyRule is missing): only the exceptions decide, and a request "
                    + "none of them decides is undecidable.";
        }
        return switch (base) {
            case PERMIT -> "Base policy: opt-in (" + rule + ") — everything it covers is permitted unless an "
                    + "exception denies it.";
            case DENY -> "Base policy: opt-out (" + rule + ") — everything it covers is denied unless an exception "
                    + "permits it.";
            default -> "Base policy: " + rule + " — Custos does not know whether it permits or denies by default: "
                    + "only the exceptions decide, and a request none of them decides is undecidable.";
        };
    }

    // ---- exceptions ----

    /**
     * For each exception, the exceptions of the other type that win over it where both apply (asked of the
     * engine: a request both apply to, alone, and that the pair decides the other way).
     */
    private static Map<Integer, List<Integer>> overriders(JsonNode ex) {
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < ex.size(); i++) {
            for (int j = 0; j < ex.size(); j++) {
                String ti = ex.get(i).path("type").asText("");
                String tj = ex.get(j).path("type").asText("");
                if (i == j || ti.equals(tj) || !Set.of("permit", "deny").contains(ti)
                        || !Set.of("permit", "deny").contains(tj)) {
                    continue;
                }
                if (wins(ex.get(j), ex.get(i))) {
                    out.computeIfAbsent(i, k -> new ArrayList<>()).add(j);
                }
            }
        }
        return out;
    }

    /** Whether {@code winner} decides some request that {@code loser} alone would decide the other way. */
    private static boolean wins(JsonNode winner, JsonNode loser) {
        ConsentDecision w = ConsentProbes.compileOrNull(ConsentProbes.only(winner));
        ConsentDecision l = ConsentProbes.compileOrNull(ConsentProbes.only(loser));
        ConsentDecision both = ConsentProbes.compileOrNull(ConsentProbes.only(loser, winner));
        if (w == null || l == null || both == null) {
            return false;
        }
        Outcome wo = "permit".equals(winner.path("type").asText()) ? Outcome.PERMIT : Outcome.DENY;
        Outcome lo = wo == Outcome.PERMIT ? Outcome.DENY : Outcome.PERMIT;
        boolean[] found = {false};
        new ConsentProbes(winner, loser).forEach(r -> {
            if (l.outcome(r) == lo && w.outcome(r) == wo && both.outcome(r) == wo) {
                found[0] = true;
            }
            return !found[0];
        });
        return found[0];
    }

    private String exception(JsonNode ex, int i, List<Integer> overriders) {
        JsonNode e = ex.get(i);
        String type = ConsentProbes.text(e.get("type"));
        boolean permit = "permit".equals(type);
        boolean known = permit || "deny".equals(type);
        StringBuilder s = new StringBuilder("Exception ").append(i + 1).append(" (")
                .append(known ? type : "type missing, so it decides nothing").append("): ");
        if (!overriders.isEmpty()) {
            s.append("apart from what ").append(overriders.size() == 1 ? "exception " : "exceptions ")
                    .append(and(overriders.stream().map(k -> String.valueOf(k + 1)).toList()))
                    .append(permit ? " denies" : " permits").append(", ");
        }
        boolean otherwise = !overriders.isEmpty();
        String act = e.path("action").size() > 0 ? actions(e.path("action")) + " " + object(e, false)
                : "do anything" + (otherwise ? " else" : "") + " with " + object(e, true);
        String tail = purposeAndTime(e);
        Map<String, List<JsonNode>> groups = byRole(e.path("actor"));
        String may = !known ? "would be concerned with" : permit ? "may" : "may not";
        if (groups.size() <= 1) {
            String who = groups.isEmpty() ? (permit ? "anyone" : "no one") : group(groups.entrySet().iterator().next());
            if (!known) {
                s.append(who).append(" — ").append(act).append(tail);
            } else if (groups.isEmpty() && !permit) {
                s.append("no one may ").append(act).append(tail);
            } else {
                s.append(who).append(" ").append(may).append(" ").append(act).append(tail);
            }
        } else {
            s.append(known ? (permit ? "it is permitted to " : "it is denied to ") : "").append(act).append(tail)
                    .append(" when ").append(relation(groups));
        }
        return s.append(".").toString();
    }

    /** "data of class X coded Y labelled Z about Task/1 dated …", or "the data" when none is stated. */
    private String object(JsonNode e, boolean bare) {
        List<String> q = new ArrayList<>();
        if (e.path("class").size() > 0) {
            q.add("of class " + codings(e.path("class"), ConsentCodes.CONTENT_CLASS));
        }
        if (e.path("code").size() > 0) {
            q.add("coded " + codings(e.path("code"), null));
        }
        if (e.path("securityLabel").size() > 0) {
            q.add("labelled " + codings(e.path("securityLabel"), ConsentCodes.SECURITY_LABEL));
        }
        if (e.path("data").size() > 0) {
            q.add(dataRefs(e.path("data")));
        }
        String dp = period(e.get("dataPeriod"));
        if (dp != null) {
            q.add("dated " + dp);
        }
        return q.isEmpty() ? "the data" : (bare ? "data " : "data ") + String.join(", ", q);
    }

    private String purposeAndTime(JsonNode e) {
        StringBuilder s = new StringBuilder();
        if (e.path("purpose").size() > 0) {
            s.append(" for ").append(codings(e.path("purpose"), ConsentCodes.PURPOSE));
        }
        String p = period(e.get("period"));
        if (p != null) {
            s.append(" ").append(p);
        }
        return s.toString();
    }

    /** The actors of one element grouped by role (role code; "" for none), in document order. */
    private static Map<String, List<JsonNode>> byRole(JsonNode actors) {
        Map<String, List<JsonNode>> g = new LinkedHashMap<>();
        for (JsonNode a : actors) {
            List<DecisionRequest.Code> roles = ConsentProbes.codings(a.get("role"));
            String key = roles.isEmpty() ? "" : roles.get(0).code();
            g.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
        }
        return g;
    }

    /** "Dr X (Practitioner/1, recipient)", or "A or B (any of them as recipient)". */
    private String group(Map.Entry<String, List<JsonNode>> g) {
        return named(g.getValue(), g.getKey().isEmpty() ? null : role(g.getValue().get(0).get("role")));
    }

    /** Several roles, all of which must take part: "X (custodian) gives data to Y (recipient)" where it fits. */
    private String relation(Map<String, List<JsonNode>> groups) {
        Map<String, List<JsonNode>> rest = new LinkedHashMap<>(groups);
        String recipientRole = groups.containsKey("PRCP") ? "PRCP" : "IRCP";
        List<String> parts = new ArrayList<>();
        if (groups.containsKey("CST") && groups.containsKey(recipientRole)) {
            parts.add(named(rest.remove("CST"), "custodian") + " gives data to "
                    + named(rest.remove(recipientRole), "recipient"));
        }
        List<String> others = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> g : rest.entrySet()) {
            others.add(named(g.getValue(), g.getKey().isEmpty() ? null : role(g.getValue().get(0).get("role"))));
        }
        if (!others.isEmpty()) {
            parts.add((parts.isEmpty() ? (others.size() > 1 ? "all of " : "") : "with ") + and(others)
                    + (parts.isEmpty() ? " take part" : " taking part"));
        }
        return String.join(", ", parts);
    }

    private String named(List<JsonNode> actors, String role) {
        List<String> who = new ArrayList<>();
        for (JsonNode a : actors) {
            who.add(who(a.get("reference")));
        }
        if (role == null) {
            return or(who);
        }
        if (who.size() > 1) {
            return or(who) + " (any of them as " + role + ")";
        }
        String one = who.get(0) == null ? "someone unnamed" : who.get(0);
        return one.endsWith(")") ? one.substring(0, one.length() - 1) + ", " + role + ")" : one + " (" + role + ")";
    }

    private String actors(JsonNode actors) {
        List<String> groups = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> g : byRole(actors).entrySet()) {
            groups.add(group(g));
        }
        return and(groups);
    }

    // ---- data and purposes concerned ----

    private String concerned(JsonNode c) {
        Set<String> data = new LinkedHashSet<>();
        Set<String> purposes = new LinkedHashSet<>();
        List<JsonNode> parts = new ArrayList<>();
        parts.add(c);
        c.path("except").forEach(parts::add);
        for (JsonNode p : parts) {
            p.path("class").forEach(x -> data.add("class " + coding(x, ConsentCodes.CONTENT_CLASS)));
            p.path("code").forEach(x -> data.add("code " + coding(x, null)));
            p.path("securityLabel").forEach(x -> data.add("label " + coding(x, ConsentCodes.SECURITY_LABEL)));
            for (JsonNode d : p.path("data")) {
                data.add(who(d.get("reference")));
            }
            p.path("purpose").forEach(x -> purposes.add(coding(x, ConsentCodes.PURPOSE)));
        }
        String dp = period(c.get("dataPeriod"));
        return "Data concerned: " + (data.isEmpty() ? "all of the patient's data" : String.join("; ", data))
                + (dp == null ? "" : " (dated " + dp + ")") + ". Purposes concerned: "
                + (purposes.isEmpty() ? "any purpose" : String.join("; ", purposes)) + ".";
    }

    // ---- words ----

    /** "Name (Type/id)", the reference alone, or the display alone; null for no element. */
    private String who(JsonNode ref) {
        if (ref == null || ref.isMissingNode() || ref.isNull()) {
            return null;
        }
        String r = ConsentProbes.text(ref.get("reference"));
        String display = ConsentProbes.text(ref.get("display"));
        String name = r == null ? null : names.apply(r).filter(n -> !n.isBlank()).orElse(null);
        if (name == null) {
            name = display;
        }
        if (r == null) {
            String id = ConsentProbes.text(ref.path("identifier").get("value"));
            return name != null ? name + " (no reference)" : id != null ? "identifier " + id : "someone unnamed";
        }
        return name == null || name.equals(r) ? r : name + " (" + r + ")";
    }

    private String actions(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : list) {
            out.add(concept(a, ConsentCodes.ACTION));
        }
        return or(out);
    }

    private String codings(JsonNode list, String valueSet) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : list) {
            out.add(coding(x, valueSet));
        }
        return or(out);
    }

    private String concept(JsonNode cc, String valueSet) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : cc.path("coding")) {
            out.add(coding(x, valueSet));
        }
        if (out.isEmpty()) {
            String t = ConsentProbes.text(cc.get("text"));
            return t == null ? "(no code)" : t;
        }
        return or(out);
    }

    /** "emergency treatment (ETREAT)", or the code alone when no display is known. */
    private String coding(JsonNode x, String valueSet) {
        String code = ConsentProbes.text(x.get("code"));
        String system = ConsentProbes.text(x.get("system"));
        String display = display(system, code, ConsentProbes.text(x.get("display")), valueSet);
        if (code == null) {
            return display == null ? "(no code)" : display;
        }
        if ("access".equals(code) || "correct".equals(code) || "disclose".equals(code) || "collect".equals(code)
                || "use".equals(code)) {
            return code;
        }
        return display == null || display.equalsIgnoreCase(code) ? code : display + " (" + code + ")";
    }

    private String display(String system, String code, String own, String valueSet) {
        if (code == null) {
            return own;
        }
        if (own != null) {
            return own;
        }
        String known = ConsentCodes.PURPOSE.equals(valueSet) || ConsentCodes.SECURITY_LABEL.equals(valueSet)
                ? KNOWN.get(code) : null;
        if (known != null) {
            return known;
        }
        if (valueSet != null) {
            for (ConsentCodes.Choice ch : codes.codes(valueSet)) {
                if (code.equals(ch.code()) && (system == null || ch.system() == null || system.equals(ch.system()))
                        && ch.display() != null && !ch.display().isBlank()) {
                    return ch.display();
                }
            }
        }
        return null;
    }

    private String role(JsonNode role) {
        List<DecisionRequest.Code> r = ConsentProbes.codings(role);
        if (r.isEmpty()) {
            String t = role == null ? null : ConsentProbes.text(role.get("text"));
            return t == null ? "(no role)" : t;
        }
        String code = r.get(0).code();
        String word = ROLES.get(code);
        if (word != null) {
            return word;
        }
        String d = display(r.get(0).system(), code, ConsentProbes.text(role.path("coding").get(0).get("display")),
                ConsentCodes.ACTOR_ROLE);
        return d == null ? code : d.toLowerCase(Locale.ROOT) + " (" + code + ")";
    }

    private String dataRefs(JsonNode data) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : data) {
            String meaning = ConsentProbes.text(d.get("meaning"));
            String w = who(d.get("reference"));
            out.add((w == null ? "(no reference)" : w) + (meaning == null ? "" : switch (meaning) {
                case "related" -> " and what relates to it";
                case "dependents" -> " and what depends on it";
                case "authoredby" -> " and what it authored";
                default -> "";
            }));
        }
        return "about " + or(out);
    }

    /** "from A until B", "from A", "until B", or null. */
    static String period(JsonNode p) {
        if (p == null || p.isNull() || p.isMissingNode()) {
            return null;
        }
        String start = ConsentProbes.text(p.get("start"));
        String end = ConsentProbes.text(p.get("end"));
        if (start == null && end == null) {
            return null;
        }
        return start == null ? "until " + end : end == null ? "from " + start : "from " + start + " until " + end;
    }

    static String and(List<String> items) {
        return join(items, "and");
    }

    static String or(List<String> items) {
        return join(items, "or");
    }

    private static String join(List<String> items, String word) {
        List<String> l = items.stream().filter(x -> x != null).toList();
        if (l.isEmpty()) {
            return "";
        }
        if (l.size() == 1) {
            return l.get(0);
        }
        return String.join(", ", l.subList(0, l.size() - 1)) + " " + word + " " + l.get(l.size() - 1);
    }

    /** Roles in words (ParticipationType and the like). */
    private static final Map<String, String> ROLES = Map.ofEntries(
            Map.entry("CST", "custodian"), Map.entry("PRCP", "recipient"), Map.entry("IRCP", "recipient"),
            Map.entry("AUT", "author"), Map.entry("INF", "informant"), Map.entry("ENT", "data enterer"),
            Map.entry("VRF", "verifier"), Map.entry("LA", "legal authenticator"), Map.entry("SBJ", "subject"),
            Map.entry("CON", "consultant"), Map.entry("ATND", "attender"), Map.entry("PRF", "performer"),
            Map.entry("PPRF", "primary performer"), Map.entry("REFB", "referrer"), Map.entry("REFT", "referred to"),
            Map.entry("RESP", "responsible party"), Map.entry("WIT", "witness"), Map.entry("DEV", "device"),
            Map.entry("TRC", "tracker"), Map.entry("DIR", "direct target"));

    /** Displays of a few codes consents use often (the code is shown beside them). */
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("ETREAT", "emergency treatment"), Map.entry("TREAT", "treatment"),
            Map.entry("HPAYMT", "payment"), Map.entry("HOPERAT", "healthcare operations"),
            Map.entry("HRESCH", "research"), Map.entry("CLINTRCH", "clinical trial research"),
            Map.entry("PATRQT", "patient request"), Map.entry("FAMRQT", "family request"),
            Map.entry("PUBHLTH", "public health"), Map.entry("HMARKT", "marketing"),
            Map.entry("CAREMGT", "care management"), Map.entry("HDIRECT", "directory"),
            Map.entry("PWATRNY", "power of attorney"), Map.entry("SUPNWK", "support network"),
            Map.entry("COC", "continuity of care"), Map.entry("BTG", "break the glass"),
            Map.entry("N", "normal"), Map.entry("R", "restricted"), Map.entry("V", "very restricted"),
            Map.entry("L", "low"), Map.entry("M", "moderate"), Map.entry("U", "unrestricted"),
            Map.entry("PSY", "psychiatry"), Map.entry("SOC", "social work"),
            Map.entry("SEX", "sexuality and reproductive health"), Map.entry("HIV", "HIV/AIDS"),
            Map.entry("ETH", "substance abuse"), Map.entry("STD", "sexually transmitted disease"),
            Map.entry("SDV", "sexual assault, abuse or domestic violence"), Map.entry("TBOO", "taboo"),
            Map.entry("GDIS", "genetic disease"), Map.entry("MH", "mental health"));
}
