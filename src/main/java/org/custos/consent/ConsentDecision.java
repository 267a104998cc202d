package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One STU3 Consent compiled into an immutable decision object: {@link #compile} walks the JSON once, then
 * {@link #decide} answers any number of requests without touching JSON (a few array loops per request). Safe to
 * share between threads.
 *
 * <h2>How Custos decides</h2>
 * <ol>
 * <li><b>In force.</b> Only a Consent with {@code status = active} applies, and only at a request date inside
 * {@code Consent.period}. Otherwise the outcome is {@link Outcome#NOT_APPLICABLE} ("not in force": the consent
 * says nothing about the request; it is not a deny). A Consent with a period and a request without a date is
 * {@link Outcome#UNDECIDABLE}.</li>
 * <li><b>Scope.</b> The top-level {@code actor}, {@code action}, {@code securityLabel}, {@code purpose},
 * {@code dataPeriod} and {@code data} bound what the consent controls. A request that a stated criterion does not
 * match is {@link Outcome#NOT_APPLICABLE} (outside its scope); one that lacks the fact a criterion needs is
 * {@link Outcome#UNDECIDABLE}.</li>
 * <li><b>Base policy</b> from {@code policyRule}: opt-in (the patient consents) permits, opt-out (the patient
 * withholds) denies. Recognised by the last segment or fragment of the URI, ignoring case and {@code -}/{@code _}:
 * {@code opt-in}, {@code OPTIN}, {@code OPTINR} permit; {@code opt-out}, {@code OPTOUT}, {@code OPTOUTE} deny (so
 * {@code http://hl7.org/fhir/ConsentPolicy/opt-in}, {@code http://hl7.org/fhir/v3/ActCode#OPTOUT} and a local
 * {@code http://goodhealth.org/consent/policy/opt-in} all count). Any other rule (e.g. {@code hipaa-auth}), or
 * none, gives no base answer: a request no exception decides is then {@link Outcome#UNDECIDABLE}.</li>
 * <li><b>Exceptions.</b> An {@code except} entry applies when <i>every</i> criterion it states matches; a
 * criterion it does not state does not restrict it. Criteria: {@code period} (request date), {@code actor},
 * {@code action}, {@code securityLabel}, {@code purpose}, {@code class}, {@code code}, {@code dataPeriod} (the
 * request's data date) and {@code data}. A repeated criterion matches when <i>any</i> of its values does (two
 * actors in one entry are alternatives, as are two labels).</li>
 * <li><b>Conflicts.</b> Among the entries that apply, the most specific wins: specificity is the number of the
 * nine criteria the entry states (consent-example-Emergency: a permit stating actor + purpose beats a deny stating
 * only the actor). Between equally specific entries a deny wins; among several of the same type the first in the
 * document is named. Any entry that applies beats the base policy.</li>
 * <li><b>Missing facts.</b> Each criterion is yes, no or unknown (the request lacks the fact it needs). An entry
 * with an unknown criterion and no "no" might apply; if it would change the outcome (it has the other type and is
 * more specific than the winner, or as specific and a deny), the outcome is {@link Outcome#UNDECIDABLE} and that
 * entry is named. Otherwise it is ignored (whether it applies does not matter).</li>
 * </ol>
 * <b>Matching.</b> Codes compare by code (case-sensitive) and by system when both sides give one: a code without a
 * system matches that code in any system. {@code http://terminology.hl7.org/CodeSystem/v3-X} is read as
 * {@code http://hl7.org/fhir/v3/X}. A CodeableConcept matches when any of its codings does. References compare as
 * {@code Type/id} (a base URL and {@code /_history/n} are dropped). An actor matches a request actor with the same
 * reference, and when the consent states a role, the same role; a request actor without a role against a stated
 * role is unknown, as is a stated actor without a literal reference (an identifier only). Security labels: the criterion matches when the request's data carries any stated label (a
 * request that lists labels, even none, is known; {@code null} is unknown). {@code data} matches when the request
 * names the referenced resource among its data (whatever the {@code meaning}: the caller adds the related
 * resources it knows). Periods: a date without time is a UTC day, a year or month its whole span; ends are
 * inclusive.
 */
public final class ConsentDecision {

    /** What the consent says about a request. */
    public enum Outcome {
        /** An exception or the base policy permits. */
        PERMIT,
        /** An exception or the base policy denies. */
        DENY,
        /** The request lacks a fact that could change the answer, or the policyRule is not known. */
        UNDECIDABLE,
        /** The consent is not in force (status, period) or the request is outside its scope. */
        NOT_APPLICABLE;

        /** How the command line prints it: {@code permit}, {@code deny}, {@code undecidable}, {@code not-applicable}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A code, with its system when known (null: any system). */
    public record Code(String system, String code) {
        public Code {
            system = system == null || system.isBlank() ? null : normalizeSystem(system.trim());
            code = code == null ? null : code.trim();
        }

        /** {@code CODE}, {@code SYSTEM|CODE} (FHIR token syntax) or {@code SYSTEM#CODE} when SYSTEM is a URI. */
        public static Code parse(String token) {
            if (token == null || token.isBlank()) {
                return null;
            }
            String t = token.trim();
            int bar = t.lastIndexOf('|');
            if (bar >= 0) {
                return new Code(t.substring(0, bar), t.substring(bar + 1));
            }
            int hash = t.lastIndexOf('#');
            if (hash > 0 && t.substring(0, hash).matches("[A-Za-z][A-Za-z0-9+.-]*:.+")) {
                return new Code(t.substring(0, hash), t.substring(hash + 1));
            }
            return new Code(null, t);
        }

        /** Same code, and the same system when both give one. */
        public boolean matches(Code other) {
            return other != null && code != null && code.equals(other.code)
                    && (system == null || other.system == null || system.equals(other.system));
        }

        @Override
        public String toString() {
            return system == null ? code : system + "|" + code;
        }
    }

    /** Someone taking part in the request: a reference ("Practitioner/13") and the role, if known. */
    public record Actor(String reference, Code role) {
        public Actor {
            reference = ConsentDecision.reference(reference);
        }

        @Override
        public String toString() {
            return role == null ? reference : reference + " (" + role.code() + ")";
        }
    }

    /**
     * What is asked. Every part but the action may be null (not known); {@code labels} and {@code data} null mean
     * not known, empty means none.
     *
     * @param date      when the action happens (Consent.period, except.period)
     * @param dataDate  the data's own date (dataPeriod)
     * @param dataClass the kind of data, e.g. a resource type
     * @param data      references of the resources concerned (and of those they relate to, as far as known)
     */
    public record Request(Instant date, List<Actor> actors, Code action, Code purpose, Code dataClass, Code code,
                          List<Code> labels, List<String> data, Instant dataDate) {
        public Request {
            actors = actors == null ? List.of() : List.copyOf(actors);
            labels = labels == null ? null : List.copyOf(labels);
            data = data == null ? null : data.stream().map(ConsentDecision::reference).toList();
        }

        /** A request for this action (a code, or SYSTEM|CODE) with nothing else known. */
        public static Request of(String action) {
            return new Request(null, List.of(), Code.parse(action), null, null, null, null, null, null);
        }

        public Request at(Instant d) {
            return new Request(d, actors, action, purpose, dataClass, code, labels, data, dataDate);
        }

        /** Also at this date (a FHIR date or dateTime; a date alone is the start of that UTC day). */
        public Request at(String d) {
            return at(Instant.ofEpochMilli(bounds(d)[0]));
        }

        public Request actor(String reference, String role) {
            List<Actor> a = new ArrayList<>(actors);
            a.add(new Actor(reference, Code.parse(role)));
            return new Request(date, a, action, purpose, dataClass, code, labels, data, dataDate);
        }

        public Request purpose(String p) {
            return new Request(date, actors, action, Code.parse(p), dataClass, code, labels, data, dataDate);
        }

        public Request dataClass(String c) {
            return new Request(date, actors, action, purpose, Code.parse(c), code, labels, data, dataDate);
        }

        public Request code(String c) {
            return new Request(date, actors, action, purpose, dataClass, Code.parse(c), labels, data, dataDate);
        }

        public Request labelled(String... l) {
            return new Request(date, actors, action, purpose, dataClass, code,
                    java.util.Arrays.stream(l).map(Code::parse).toList(), data, dataDate);
        }

        public Request data(String... refs) {
            return new Request(date, actors, action, purpose, dataClass, code, labels, List.of(refs), dataDate);
        }

        public Request dataDate(String d) {
            return new Request(date, actors, action, purpose, dataClass, code, labels, data,
                    Instant.ofEpochMilli(bounds(d)[0]));
        }
    }

    /**
     * The answer.
     *
     * @param location the element that decided, FHIRPath-like: {@code Consent.except[1]} (0-based, as FHIRPath),
     *                 {@code Consent.policyRule}, {@code Consent.status}, {@code Consent.period}, {@code Consent.actor}…
     * @param except   the deciding (or, when undecidable, the doubtful) except entry's index, or -1
     * @param rule     the deciding rule in words, e.g. "Consent.except[0]: permit (actor …, purpose ETREAT)"
     * @param reasons  the reasoning, step by step
     */
    public record Result(Outcome outcome, String location, int except, String rule, List<String> reasons) {
        public Result {
            reasons = List.copyOf(reasons);
        }
    }

    private static final int NO = 0;
    private static final int YES = 1;
    private static final int UNKNOWN = 2;

    private enum Kind {
        PERIOD("period", "a date"), ACTOR("actor", "an actor"), ACTION("action", "an action"),
        LABEL("securityLabel", "the data's security labels"), PURPOSE("purpose", "a purpose of use"),
        CLASS("class", "a data class"), CODE("code", "a data code"), DATA_PERIOD("dataPeriod", "the data's date"),
        DATA("data", "the data's references");

        final String element;
        final String fact;

        Kind(String element, String fact) {
            this.element = element;
            this.fact = fact;
        }
    }

    private record ActorRule(String reference, Code[] roles) {
        @Override
        public String toString() {
            return (reference == null ? "(no reference)" : reference)
                    + (roles.length == 0 ? "" : " (" + String.join("/", java.util.Arrays.stream(roles)
                    .map(Code::code).toList()) + ")");
        }
    }

    /** One stated criterion: codes (any of), actors (any of), a period [lo, hi] (epoch ms) or references. */
    private record Criterion(Kind kind, Code[] codes, ActorRule[] actors, long lo, long hi, String[] refs,
                             String text) {
        int test(Request r) {
            switch (kind) {
                case PERIOD:
                    return r.date() == null ? UNKNOWN : within(r.date(), lo, hi) ? YES : NO;
                case DATA_PERIOD:
                    return r.dataDate() == null ? UNKNOWN : within(r.dataDate(), lo, hi) ? YES : NO;
                case ACTION:
                    return anyCode(r.action());
                case PURPOSE:
                    return anyCode(r.purpose());
                case CLASS:
                    return anyCode(r.dataClass());
                case CODE:
                    return anyCode(r.code());
                case LABEL:
                    if (r.labels() == null) {
                        return UNKNOWN;
                    }
                    for (Code l : r.labels()) {
                        if (anyCode(l) == YES) {
                            return YES;
                        }
                    }
                    return NO;
                case DATA:
                    if (r.data() == null) {
                        return UNKNOWN;
                    }
                    for (String ref : refs) {
                        if (r.data().contains(ref)) {
                            return YES;
                        }
                    }
                    return NO;
                case ACTOR:
                    return actor(r.actors());
                default:
                    throw new IllegalStateException(kind.name());
            }
        }

        private int anyCode(Code c) {
            if (c == null) {
                return UNKNOWN;
            }
            for (Code s : codes) {
                if (s.matches(c)) {
                    return YES;
                }
            }
            return NO;
        }

        private int actor(List<Actor> given) {
            if (given.isEmpty()) {
                return UNKNOWN;
            }
            boolean unknown = false;
            for (ActorRule a : actors) {
                if (a.reference() == null) {
                    unknown = true;
                    continue;
                }
                for (Actor g : given) {
                    if (!a.reference().equals(g.reference())) {
                        continue;
                    }
                    if (a.roles().length == 0) {
                        return YES;
                    }
                    if (g.role() == null) {
                        unknown = true;
                        continue;
                    }
                    for (Code role : a.roles()) {
                        if (role.matches(g.role())) {
                            return YES;
                        }
                    }
                }
            }
            return unknown ? UNKNOWN : NO;
        }
    }

    /** An except entry: its type (true: permit) and stated criteria. */
    private record Rule(int index, boolean permit, Criterion[] criteria, String location, String text) {
        Rule(int index, boolean permit, Criterion[] criteria) {
            this(index, permit, criteria, "Consent.except[" + index + "]", describe(index, permit, criteria));
        }

        /** YES when every criterion matches, NO when one does not, else UNKNOWN. */
        int test(Request r) {
            int s = YES;
            for (Criterion c : criteria) {
                int t = c.test(r);
                if (t == NO) {
                    return NO;
                }
                if (t == UNKNOWN) {
                    s = UNKNOWN;
                }
            }
            return s;
        }

        private static String describe(int index, boolean permit, Criterion[] criteria) {
            List<String> parts = new ArrayList<>();
            for (Criterion c : criteria) {
                parts.add(c.text());
            }
            return "Consent.except[" + index + "]: " + (permit ? "permit" : "deny") + (parts.isEmpty() ? " (no criteria: always)"
                    : " (" + String.join("; ", parts) + ")");
        }
    }

    private final String id;
    private final String status;
    private final long periodLo;
    private final long periodHi;
    private final String periodText;
    private final Criterion[] scope;
    private final String policyRule;
    private final Boolean basePermit;
    private final Rule[] rules;
    private final String baseText;
    private final boolean active;

    private ConsentDecision(String id, String status, long[] period, String periodText, Criterion[] scope,
                            String policyRule, Boolean basePermit, Rule[] rules) {
        this.id = id;
        this.status = status;
        this.periodLo = period == null ? Long.MIN_VALUE : period[0];
        this.periodHi = period == null ? Long.MAX_VALUE : period[1];
        this.periodText = periodText;
        this.scope = scope;
        this.policyRule = policyRule;
        this.basePermit = basePermit;
        this.rules = rules;
        this.active = "active".equals(status);
        this.baseText = "base policy (policyRule " + (policyRule == null ? "missing" : policyRule) + ")"
                + (basePermit == null ? "" : basePermit ? ": permit" : ": deny");
    }

    /**
     * Compiles a Consent (Jackson tree of STU3 JSON). Throws {@link IllegalArgumentException} when it is not a
     * Consent or a date in it cannot be read.
     */
    public static ConsentDecision compile(JsonNode consent) {
        if (consent == null || !"Consent".equals(consent.path("resourceType").asText())) {
            throw new IllegalArgumentException("not a Consent");
        }
        String rule = text(consent.get("policyRule"));
        JsonNode period = consent.get("period");
        List<Criterion> scope = criteria(consent, "Consent", false);
        JsonNode ex = consent.path("except");
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < ex.size(); i++) {
            JsonNode e = ex.get(i);
            String type = e.path("type").asText("");
            if (!type.equals("permit") && !type.equals("deny")) {
                throw new IllegalArgumentException("Consent.except[" + i + "].type is '" + type
                        + "', not permit or deny");
            }
            rules.add(new Rule(i, type.equals("permit"), criteria(e, "Consent.except[" + i + "]", true)
                    .toArray(Criterion[]::new)));
        }
        return new ConsentDecision(text(consent.get("id")), text(consent.get("status")),
                period == null ? null : period(period, "Consent.period"), period == null ? null : periodText(period),
                scope.toArray(Criterion[]::new), rule, basePermit(rule), rules.toArray(Rule[]::new));
    }

    /** The Consent's id (null when it has none). */
    public String id() {
        return id;
    }

    /** How many except entries the consent has. */
    public int exceptions() {
        return rules.length;
    }

    /**
     * The outcome alone, for checking many requests: the same algorithm as {@link #decide} (a test holds them
     * equal on every case), without building the reasoning or any object.
     */
    public Outcome outcome(Request r) {
        if (!active) {
            return Outcome.NOT_APPLICABLE;
        }
        if (periodText != null) {
            if (r.date() == null) {
                return Outcome.UNDECIDABLE;
            }
            if (!within(r.date(), periodLo, periodHi)) {
                return Outcome.NOT_APPLICABLE;
            }
        }
        for (Criterion c : scope) {
            int t = c.test(r);
            if (t != YES) {
                return t == NO ? Outcome.NOT_APPLICABLE : Outcome.UNDECIDABLE;
            }
        }
        int winner = -1;
        int winnerSpec = -1;
        long unknown = 0; // bit i: rule i might apply (rules beyond 63 are re-tested)
        boolean unknownBeyond = false;
        for (int i = 0; i < rules.length; i++) {
            int s = rules[i].test(r);
            int spec = rules[i].criteria().length;
            if (s == YES) {
                if (spec > winnerSpec || spec == winnerSpec && !rules[i].permit() && rules[winner].permit()) {
                    winner = i;
                    winnerSpec = spec;
                }
            } else if (s == UNKNOWN) {
                if (i < 64) {
                    unknown |= 1L << i;
                } else {
                    unknownBeyond = true;
                }
            }
        }
        Boolean effect = winner < 0 ? basePermit : Boolean.valueOf(rules[winner].permit());
        if (unknown != 0 || unknownBeyond) {
            for (int i = 0; i < rules.length; i++) {
                if (i < 64 ? (unknown & 1L << i) == 0 : rules[i].test(r) != UNKNOWN) {
                    continue;
                }
                Rule u = rules[i];
                int spec = u.criteria().length;
                if ((effect == null || u.permit() != effect)
                        && (spec > winnerSpec || spec == winnerSpec && !u.permit())) {
                    return Outcome.UNDECIDABLE;
                }
            }
        }
        return effect == null ? Outcome.UNDECIDABLE : effect ? Outcome.PERMIT : Outcome.DENY;
    }

    /** The outcome, the deciding rule and the reasoning. */
    public Result decide(Request r) {
        List<String> why = new ArrayList<>();
        if (!active) {
            return new Result(Outcome.NOT_APPLICABLE, "Consent.status", -1, "Consent.status = " + status,
                    say(why, "Not in force: the consent's status is " + (status == null ? "missing" : status)
                            + ", not active."));
        }
        if (periodText != null) {
            if (r.date() == null) {
                return new Result(Outcome.UNDECIDABLE, "Consent.period", -1, "Consent.period " + periodText,
                        say(why, "The consent is in force only " + periodText + "; the request has no date."));
            }
            if (!within(r.date(), periodLo, periodHi)) {
                return new Result(Outcome.NOT_APPLICABLE, "Consent.period", -1, "Consent.period " + periodText,
                        say(why, "Not in force: " + r.date() + " is outside Consent.period " + periodText + "."));
            }
        }
        why.add("The consent is active" + (periodText == null ? "" : " and " + r.date() + " is within "
                + "Consent.period " + periodText) + ".");
        for (Criterion c : scope) {
            int t = c.test(r);
            if (t == NO) {
                return new Result(Outcome.NOT_APPLICABLE, "Consent." + c.kind().element, -1, "Consent." + c.text(),
                        say(why, "Outside the consent's scope: the request does not match Consent." + c.text()
                                + "."));
            }
            if (t == UNKNOWN) {
                return new Result(Outcome.UNDECIDABLE, "Consent." + c.kind().element, -1, "Consent." + c.text(),
                        say(why, "The consent covers only Consent." + c.text() + "; the request does not give "
                                + c.kind().fact + "."));
            }
        }
        if (scope.length > 0) {
            why.add("The request is within the consent's scope (" + String.join("; ",
                    java.util.Arrays.stream(scope).map(Criterion::text).toList()) + ").");
        }
        int[] state = new int[rules.length];
        int winner = -1;
        int winnerSpec = -1;
        for (int i = 0; i < rules.length; i++) {
            Rule rule = rules[i];
            int s = rule.test(r);
            state[i] = s;
            int spec = rule.criteria().length;
            if (s == YES && (spec > winnerSpec || spec == winnerSpec && !rule.permit() && rules[winner].permit())) {
                winner = i;
                winnerSpec = spec;
            }
        }
        Boolean effect = winner < 0 ? basePermit : Boolean.valueOf(rules[winner].permit());
        explainRules(r, state, why);
        why.add(winner >= 0 ? "Of the exceptions that apply, " + rules[winner].location() + " is the most specific ("
                + criteria(winnerSpec) + ")" + (tieDenied(state, winner) ? "; a deny wins over a permit as specific"
                : "") + "." : "No exception applies: the base policy decides.");
        for (int i = 0; i < rules.length; i++) {
            if (state[i] != UNKNOWN) {
                continue;
            }
            Rule u = rules[i];
            int spec = u.criteria().length;
            if ((effect == null || u.permit() != effect) && (spec > winnerSpec || spec == winnerSpec && !u.permit())) {
                why.add("Undecidable: " + u.location() + " (" + (u.permit() ? "permit" : "deny") + ") would decide "
                        + "otherwise if it applied, and the request does not give " + missing(u, r) + ".");
                return new Result(Outcome.UNDECIDABLE, u.location(), i, u.text(), why);
            }
        }
        if (winner >= 0) {
            return new Result(effect ? Outcome.PERMIT : Outcome.DENY, rules[winner].location(), winner,
                    rules[winner].text(), why);
        }
        String base = baseText;
        if (effect == null) {
            why.add(policyRule == null ? "The consent has no policyRule: no base answer."
                    : "Custos does not know whether policyRule " + policyRule + " permits or denies by default.");
            return new Result(Outcome.UNDECIDABLE, "Consent.policyRule", -1, base, why);
        }
        why.add("policyRule " + policyRule + " is " + (effect ? "opt-in: permit" : "opt-out: deny") + ".");
        return new Result(effect ? Outcome.PERMIT : Outcome.DENY, "Consent.policyRule", -1, base, why);
    }

    private boolean tieDenied(int[] state, int winner) {
        int spec = rules[winner].criteria().length;
        for (int i = 0; i < rules.length; i++) {
            if (state[i] == YES && rules[i].permit() && rules[i].criteria().length == spec) {
                return !rules[winner].permit();
            }
        }
        return false;
    }

    private void explainRules(Request r, int[] state, List<String> why) {
        for (int i = 0; i < rules.length; i++) {
            Rule rule = rules[i];
            String head = rule.location() + " (" + (rule.permit() ? "permit" : "deny") + ", "
                    + criteria(rule.criteria().length) + ")";
            if (state[i] == YES) {
                why.add(head + " applies: " + (rule.criteria().length == 0 ? "it states no criteria"
                        : "the request matches " + String.join("; ", java.util.Arrays.stream(rule.criteria())
                        .map(Criterion::text).toList())) + ".");
            } else if (state[i] == NO) {
                for (Criterion c : rule.criteria()) {
                    if (c.test(r) == NO) {
                        why.add(head + " does not apply: the request does not match " + c.text() + ".");
                        break;
                    }
                }
            } else {
                why.add(head + " might apply: the request does not give " + missing(rule, r) + ".");
            }
        }
    }

    private static String criteria(int n) {
        return n + (n == 1 ? " criterion" : " criteria");
    }

    private static String missing(Rule rule, Request r) {
        List<String> facts = new ArrayList<>();
        for (Criterion c : rule.criteria()) {
            if (c.test(r) == UNKNOWN) {
                facts.add(c.kind() == Kind.ACTOR ? "actor (with role) matching " + c.text() : c.kind().fact
                        + " (" + c.text() + ")");
            }
        }
        return String.join(", ", facts);
    }

    private static List<String> say(List<String> why, String s) {
        why.add(s);
        return why;
    }

    // ---- compiling ----

    private static List<Criterion> criteria(JsonNode n, String where, boolean withPeriod) {
        List<Criterion> out = new ArrayList<>();
        if (withPeriod && n.has("period")) {
            long[] p = period(n.get("period"), where + ".period");
            out.add(new Criterion(Kind.PERIOD, null, null, p[0], p[1], null, "period " + periodText(n.get("period"))));
        }
        JsonNode actors = n.path("actor");
        if (actors.size() > 0) {
            ActorRule[] a = new ActorRule[actors.size()];
            for (int i = 0; i < a.length; i++) {
                JsonNode x = actors.get(i);
                a[i] = new ActorRule(reference(text(x.path("reference").get("reference"))),
                        codings(x.get("role")).toArray(Code[]::new));
            }
            out.add(new Criterion(Kind.ACTOR, null, a, 0, 0, null, "actor " + String.join(" or ",
                    java.util.Arrays.stream(a).map(ActorRule::toString).toList())));
        }
        concepts(out, Kind.ACTION, n.get("action"), true);
        concepts(out, Kind.LABEL, n.get("securityLabel"), false);
        concepts(out, Kind.PURPOSE, n.get("purpose"), false);
        concepts(out, Kind.CLASS, n.get("class"), false);
        concepts(out, Kind.CODE, n.get("code"), false);
        if (n.has("dataPeriod")) {
            long[] p = period(n.get("dataPeriod"), where + ".dataPeriod");
            out.add(new Criterion(Kind.DATA_PERIOD, null, null, p[0], p[1], null,
                    "dataPeriod " + periodText(n.get("dataPeriod"))));
        }
        JsonNode data = n.path("data");
        if (data.size() > 0) {
            List<String> refs = new ArrayList<>();
            for (JsonNode d : data) {
                String ref = reference(text(d.path("reference").get("reference")));
                if (ref != null) {
                    refs.add(ref);
                }
            }
            out.add(new Criterion(Kind.DATA, null, null, 0, 0, refs.toArray(String[]::new),
                    "data " + String.join(" or ", refs)));
        }
        return out;
    }

    /** A criterion of codes: CodeableConcepts ({@code concept}) or Codings, any of which matches. */
    private static void concepts(List<Criterion> out, Kind kind, JsonNode list, boolean concept) {
        if (list == null || list.size() == 0) {
            return;
        }
        List<Code> codes = new ArrayList<>();
        for (JsonNode x : list) {
            if (concept) {
                codes.addAll(codings(x));
            } else if (x.hasNonNull("code")) {
                codes.add(new Code(text(x.get("system")), text(x.get("code"))));
            }
        }
        out.add(new Criterion(kind, codes.toArray(Code[]::new), null, 0, 0, null, kind.element + " "
                + String.join(" or ", codes.stream().map(Code::code).toList())));
    }

    private static List<Code> codings(JsonNode concept) {
        List<Code> out = new ArrayList<>();
        if (concept != null) {
            for (JsonNode c : concept.path("coding")) {
                if (c.hasNonNull("code")) {
                    out.add(new Code(text(c.get("system")), text(c.get("code"))));
                }
            }
        }
        return out;
    }

    private static Boolean basePermit(String rule) {
        if (rule == null) {
            return null;
        }
        String tail = rule.substring(Math.max(rule.lastIndexOf('/'), rule.lastIndexOf('#')) + 1)
                .toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return switch (tail) {
            case "optin", "optinr" -> Boolean.TRUE;
            case "optout", "optoute" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    /** "Type/id" for a reference: a base URL and "/_history/n" dropped; null stays null. */
    static String reference(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        String r = ref.trim();
        int h = r.indexOf("/_history/");
        if (h > 0) {
            r = r.substring(0, h);
        }
        if (r.startsWith("http://") || r.startsWith("https://")) {
            int last = r.lastIndexOf('/');
            int before = last > 0 ? r.lastIndexOf('/', last - 1) : -1;
            if (before > 0) {
                r = r.substring(before + 1);
            }
        }
        return r;
    }

    private static String normalizeSystem(String s) {
        String r4 = "http://terminology.hl7.org/CodeSystem/v3-";
        return s.startsWith(r4) ? "http://hl7.org/fhir/v3/" + s.substring(r4.length()) : s;
    }

    private static boolean within(Instant t, long lo, long hi) {
        long ms = t.toEpochMilli();
        return ms >= lo && ms <= hi;
    }

    private static long[] period(JsonNode p, String where) {
        try {
            String start = text(p.get("start"));
            String end = text(p.get("end"));
            return new long[]{start == null ? Long.MIN_VALUE : bounds(start)[0],
                    end == null ? Long.MAX_VALUE : bounds(end)[1]};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static String periodText(JsonNode p) {
        String start = text(p.get("start"));
        String end = text(p.get("end"));
        return (start == null ? "…" : start) + " – " + (end == null ? "…" : end);
    }

    /**
     * The first and last millisecond a FHIR date or dateTime covers: a year, a month or a day (in UTC) its whole
     * span, a dateTime its instant (to the second when no fraction is given).
     */
    static long[] bounds(String v) {
        try {
            String s = v.trim();
            if (s.matches("\\d{4}")) {
                int y = Integer.parseInt(s);
                return span(LocalDate.of(y, 1, 1), LocalDate.of(y + 1, 1, 1));
            }
            if (s.matches("\\d{4}-\\d{2}")) {
                YearMonth m = YearMonth.parse(s);
                return span(m.atDay(1), m.plusMonths(1).atDay(1));
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(s);
                return span(d, d.plusDays(1));
            }
            long t = OffsetDateTime.parse(s).toInstant().toEpochMilli();
            return new long[]{t, s.contains(".") ? t : t + 999};
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a FHIR date or dateTime");
        }
    }

    private static long[] span(LocalDate from, LocalDate to) {
        return new long[]{from.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                to.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1};
    }
}
