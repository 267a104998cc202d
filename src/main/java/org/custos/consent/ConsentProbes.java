package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.consent.DecisionRequest.Actor;
import org.custos.consent.DecisionRequest.Code;
import org.custos.consent.ConsentDecision.Outcome;
import org.custos.consent.DecisionRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Questions to put to the decision engine when Custos must tell what a consent (or a change to it) means without
 * re-implementing the engine's rules: the requests built from every value the documents state (for every role
 * stated, one of its actors or someone else, in every combination; each action, purpose, class, code, label, data
 * reference, and the edges of every period), plus one "other" value per criterion. Every request gives every fact,
 * so the engine's answers are permit, deny or not-applicable, never undecidable for want of a fact. The summary and
 * the change summary ask {@link ConsentDecision} about these requests, so they agree with its interpretation
 * (specificity, deny over permit, how actors combine).
 */
final class ConsentProbes {
    /** More requests than this are not tried (the answer is then "unclear"). */
    static final int LIMIT = 200_000;
    /** At most this many combinations of actors are tried. */
    static final int ACTOR_SETS = 64;
    static final Code OTHER = new Code(null, "custos-probe-other");
    static final Actor OTHER_ACTOR = new Actor("Device/custos-probe-other", OTHER);

    private final List<List<Actor>> actors = new ArrayList<>();
    private final List<Code> actions;
    private final List<Code> purposes;
    private final List<Code> classes;
    private final List<Code> codes;
    private final List<List<Code>> labels = new ArrayList<>();
    private final List<List<String>> data = new ArrayList<>();
    private final List<Instant> dates;
    private final List<Instant> dataDates;

    ConsentProbes(JsonNode... docs) {
        java.util.Map<Code, Set<Actor>> byRole = new java.util.LinkedHashMap<>();
        Set<Code> act = new LinkedHashSet<>();
        Set<Code> pur = new LinkedHashSet<>();
        Set<Code> cls = new LinkedHashSet<>();
        Set<Code> cod = new LinkedHashSet<>();
        Set<Code> lab = new LinkedHashSet<>();
        Set<String> dat = new LinkedHashSet<>();
        Set<Instant> dt = new LinkedHashSet<>();
        Set<Instant> ddt = new LinkedHashSet<>();
        for (JsonNode doc : docs) {
            if (doc == null) {
                continue;
            }
            List<JsonNode> parts = new ArrayList<>();
            parts.add(doc);
            doc.path("except").forEach(parts::add);
            edges(doc.get("period"), dt);
            for (JsonNode p : parts) {
                for (JsonNode x : p.path("actor")) {
                    String ref = text(x.path("reference").get("reference"));
                    if (ref == null) {
                        continue;
                    }
                    List<Code> roles = codings(x.get("role"));
                    Code role = roles.isEmpty() ? null : roles.get(0);
                    byRole.computeIfAbsent(role == null ? null : new Code(role.system(), role.code()),
                            k -> new LinkedHashSet<>()).add(new Actor(ref, role));
                }
                p.path("action").forEach(c -> act.addAll(codings(c)));
                p.path("purpose").forEach(c -> add(pur, c));
                p.path("class").forEach(c -> add(cls, c));
                p.path("code").forEach(c -> add(cod, c));
                p.path("securityLabel").forEach(c -> add(lab, c));
                for (JsonNode d : p.path("data")) {
                    String ref = text(d.path("reference").get("reference"));
                    if (ref != null) {
                        dat.add(ref);
                    }
                }
                if (p != doc) {
                    edges(p.get("period"), dt);
                }
                edges(p.get("dataPeriod"), ddt);
            }
        }
        // every role stated is taken by exactly one actor: a stated one or someone else (so no actor criterion is
        // left unknown for want of someone in a role), in every combination up to ACTOR_SETS
        actors.add(new ArrayList<>());
        for (java.util.Map.Entry<Code, Set<Actor>> role : byRole.entrySet()) {
            List<Actor> choices = new ArrayList<>(role.getValue());
            choices.add(new Actor(OTHER_ACTOR.reference(), role.getKey()));
            List<List<Actor>> next = new ArrayList<>();
            for (List<Actor> set : actors) {
                for (Actor c : choices) {
                    if (next.size() < ACTOR_SETS) {
                        List<Actor> n = new ArrayList<>(set);
                        n.add(c);
                        next.add(n);
                    }
                }
            }
            actors.clear();
            actors.addAll(next);
        }
        if (byRole.isEmpty()) {
            actors.set(0, List.of(OTHER_ACTOR));
        }
        actions = withOther(act);
        purposes = withOther(pur);
        classes = withOther(cls);
        codes = withOther(cod);
        labels.add(List.of());
        for (Code l : lab) {
            labels.add(List.of(l));
        }
        if (lab.size() > 1) {
            labels.add(List.copyOf(lab));
        }
        data.add(List.of());
        for (String d : dat) {
            data.add(List.of(d));
        }
        if (dat.size() > 1) {
            data.add(List.copyOf(dat));
        }
        dates = dt.isEmpty() ? java.util.Collections.singletonList(null) : List.copyOf(dt);
        dataDates = ddt.isEmpty() ? java.util.Collections.singletonList(null) : List.copyOf(ddt);
    }

    /**
     * Calls {@code each} with every request until it returns false. Returns false when it was stopped or the
     * {@link #LIMIT} was reached before every request was tried.
     */
    boolean forEach(Predicate<DecisionRequest> each) {
        int n = 0;
        for (Instant date : dates) {
            for (List<Actor> who : actors) {
                for (Code action : actions) {
                    for (Code purpose : purposes) {
                        for (Code cls : classes) {
                            for (Code code : codes) {
                                for (List<Code> l : labels) {
                                    for (List<String> d : data) {
                                        for (Instant dd : dataDates) {
                                            if (++n > LIMIT || !each.test(new DecisionRequest(date, who, action, purpose,
                                                    cls, code, l, d, dd))) {
                                                return false;
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return true;
    }

    // ---- small consents to ask the engine about ----

    /** An active Consent with no period, scope or base answer, holding only these except entries. */
    static ObjectNode only(JsonNode... excepts) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("resourceType", "Consent");
        c.put("status", "active");
        ArrayNode ex = c.putArray("except");
        for (JsonNode e : excepts) {
            ex.add(e.deepCopy());
        }
        return c;
    }

    /**
     * What the base policy alone answers, as the engine reads {@code policyRule}: PERMIT (opt-in), DENY (opt-out)
     * or UNDECIDABLE (no rule, or one Custos does not know).
     */
    static Outcome baseAnswer(JsonNode consent) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("resourceType", "Consent");
        c.put("status", "active");
        JsonNode rule = consent == null ? null : consent.get("policyRule");
        if (rule != null && rule.isTextual()) {
            c.set("policyRule", rule);
        }
        return ConsentDecision.compile(c).decide(DecisionRequest.of("access")).outcome();
    }

    /** The engine's compiled form, or null when the document cannot be compiled (e.g. half edited). */
    static ConsentDecision compileOrNull(JsonNode consent) {
        try {
            return ConsentDecision.compile(consent);
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- reading ----

    private static List<Code> withOther(Set<Code> s) {
        List<Code> out = new ArrayList<>(s);
        out.add(OTHER);
        return out;
    }

    private static void add(Set<Code> s, JsonNode coding) {
        String code = text(coding.get("code"));
        if (code != null) {
            s.add(new Code(text(coding.get("system")), code));
        }
    }

    static List<Code> codings(JsonNode concept) {
        List<Code> out = new ArrayList<>();
        if (concept != null) {
            for (JsonNode c : concept.path("coding")) {
                String code = text(c.get("code"));
                if (code != null) {
                    out.add(new Code(text(c.get("system")), code));
                }
            }
        }
        return out;
    }

    /** Just before, at the start of, at the end of and just after a period (the ends it states). */
    private static void edges(JsonNode period, Set<Instant> out) {
        if (period == null) {
            return;
        }
        Instant[] s = bounds(text(period.get("start")));
        Instant[] e = bounds(text(period.get("end")));
        if (s != null) {
            out.add(s[0].minusSeconds(1));
            out.add(s[0]);
        }
        if (e != null) {
            out.add(e[1]);
            out.add(e[1].plusSeconds(1));
        }
    }

    /** First and last instant a FHIR date or dateTime covers (UTC days), or null when it cannot be read. */
    static Instant[] bounds(String v) {
        if (v == null) {
            return null;
        }
        try {
            String s = v.trim();
            LocalDate from;
            LocalDate to;
            if (s.matches("\\d{4}")) {
                from = LocalDate.of(Integer.parseInt(s), 1, 1);
                to = from.plusYears(1);
            } else if (s.matches("\\d{4}-\\d{2}")) {
                from = YearMonth.parse(s).atDay(1);
                to = from.plusMonths(1);
            } else if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                from = LocalDate.parse(s);
                to = from.plusDays(1);
            } else {
                Instant t = OffsetDateTime.parse(s).toInstant();
                return new Instant[]{t, t};
            }
            return new Instant[]{from.atStartOfDay().toInstant(ZoneOffset.UTC),
                    to.atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1)};
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText().trim();
    }
}
