package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.custos.consent.Criterion.NO;
import static org.custos.consent.Criterion.UNKNOWN;
import static org.custos.consent.Criterion.YES;

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
 * request's data date) and {@code data}. A repeated criterion matches when <i>any</i> of its values does (two labels,
 * two purposes are alternatives) — except actors: they are grouped by role, and <i>every</i> role the entry
 * states must be taken by one of its actors in the request (consent-example-grantor: the hospital as custodian
 * <i>and</i> the recipient); actors with the same role are alternatives, and an actor stated without a role must
 * take part on its own (in any role).</li>
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
 * {@code Type/id} (a base URL and {@code /_history/n} are dropped). A role group matches when a request actor has one of
 * its references and that role; it is unknown when no request actor has that role (the request does not say who
 * did), when the right actor is given without a role, or when a stated actor has no literal reference (an
 * identifier only); otherwise (someone else took that role) it does not match. Security labels: the criterion matches when the request's data carries any stated label (a
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

    private final String id;
    private final String status;
    private final long periodLo;
    private final long periodHi;
    private final String periodText;
    private final Criterion[] scope;
    private final String policyRule;
    private final Boolean basePermit;
    private final ExceptRule[] rules;
    private final String baseText;
    private final boolean active;

    private ConsentDecision(String id, String status, long[] period, String periodText, Criterion[] scope,
                            String policyRule, Boolean basePermit, ExceptRule[] rules) {
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
        String rule = FhirValues.text(consent.get("policyRule"));
        JsonNode period = consent.get("period");
        List<Criterion> scope = Criterion.of(consent, "Consent", false);
        JsonNode ex = consent.path("except");
        List<ExceptRule> rules = new ArrayList<>();
        for (int i = 0; i < ex.size(); i++) {
            JsonNode e = ex.get(i);
            String type = e.path("type").asText("");
            if (!type.equals("permit") && !type.equals("deny")) {
                throw new IllegalArgumentException("Consent.except[" + i + "].type is '" + type
                        + "', not permit or deny");
            }
            rules.add(new ExceptRule(i, type.equals("permit"), Criterion.of(e, "Consent.except[" + i + "]", true)
                    .toArray(Criterion[]::new)));
        }
        return new ConsentDecision(FhirValues.text(consent.get("id")), FhirValues.text(consent.get("status")),
                period == null ? null : FhirValues.period(period, "Consent.period"), period == null ? null : FhirValues.periodText(period),
                scope.toArray(Criterion[]::new), rule, basePermit(rule), rules.toArray(ExceptRule[]::new));
    }

    /** The Consent's id (null when it has none). */
    public String id() {
        return id;
    }

    /**
     * The request without what this consent never reads: its date when the consent states no period (nor does any
     * exception), its data references and data date when no criterion asks for them. Two requests equal after this
     * get the same decision.
     */
    public DecisionRequest relevant(DecisionRequest r) {
        boolean date = periodText != null || uses(Criterion.Kind.PERIOD);
        boolean data = uses(Criterion.Kind.DATA);
        boolean dataDate = uses(Criterion.Kind.DATA_PERIOD);
        return date && data && dataDate ? r : new DecisionRequest(date ? r.date() : null, r.actors(), r.action(),
                r.purpose(), r.dataClass(), r.code(), r.labels(), data ? r.data() : null,
                dataDate ? r.dataDate() : null);
    }

    /** Whether a criterion asks for the data's references ({@code except.data} or the scope's). */
    public boolean readsData() {
        return uses(Criterion.Kind.DATA);
    }

    /**
     * Every instant (epoch ms) at which the outcome for an otherwise equal request may change: the start of
     * {@code Consent.period} and of each period criterion, and the millisecond after each one's end (periods include
     * both ends). Between two of them, requests that differ only in their date get the same outcome.
     */
    public long[] timeBreaks() {
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        if (periodText != null) {
            addBreaks(out, periodLo, periodHi);
        }
        for (Criterion c : scope) {
            if (c.kind() == Criterion.Kind.PERIOD) {
                addBreaks(out, c.lo(), c.hi());
            }
        }
        for (ExceptRule rule : rules) {
            for (Criterion c : rule.criteria()) {
                if (c.kind() == Criterion.Kind.PERIOD) {
                    addBreaks(out, c.lo(), c.hi());
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static void addBreaks(java.util.Set<Long> out, long lo, long hi) {
        if (lo != Long.MIN_VALUE) {
            out.add(lo);
        }
        if (hi != Long.MAX_VALUE) {
            out.add(hi + 1);
        }
    }

    private boolean uses(Criterion.Kind kind) {
        for (Criterion c : scope) {
            if (c.kind() == kind) {
                return true;
            }
        }
        for (ExceptRule rule : rules) {
            for (Criterion c : rule.criteria()) {
                if (c.kind() == kind) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many except entries the consent has. */
    public int exceptions() {
        return rules.length;
    }

    /**
     * The outcome alone, for checking many requests: the same algorithm as {@link #decide} (a test holds them
     * equal on every case), without building the reasoning or any object.
     */
    public Outcome outcome(DecisionRequest r) {
        if (!active) {
            return Outcome.NOT_APPLICABLE;
        }
        if (periodText != null) {
            if (r.date() == null) {
                return Outcome.UNDECIDABLE;
            }
            if (!FhirValues.within(r.date(), periodLo, periodHi)) {
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
            int spec = rules[i].specificity();
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
                ExceptRule u = rules[i];
                int spec = u.specificity();
                if ((effect == null || u.permit() != effect)
                        && (spec > winnerSpec || spec == winnerSpec && !u.permit())) {
                    return Outcome.UNDECIDABLE;
                }
            }
        }
        return effect == null ? Outcome.UNDECIDABLE : effect ? Outcome.PERMIT : Outcome.DENY;
    }

    /** The outcome, the deciding rule and the reasoning. */
    public Result decide(DecisionRequest r) {
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
            if (!FhirValues.within(r.date(), periodLo, periodHi)) {
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
            ExceptRule rule = rules[i];
            int s = rule.test(r);
            state[i] = s;
            int spec = rule.specificity();
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
            ExceptRule u = rules[i];
            int spec = u.specificity();
            if ((effect == null || u.permit() != effect) && (spec > winnerSpec || spec == winnerSpec && !u.permit())) {
                why.add("Undecidable: " + u.location() + " (" + (u.permit() ? "permit" : "deny") + ") would decide "
                        + "otherwise if it applied, and the request does not give " + u.missing(r) + ".");
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
        int spec = rules[winner].specificity();
        for (int i = 0; i < rules.length; i++) {
            if (state[i] == YES && rules[i].permit() && rules[i].specificity() == spec) {
                return !rules[winner].permit();
            }
        }
        return false;
    }

    private void explainRules(DecisionRequest r, int[] state, List<String> why) {
        for (int i = 0; i < rules.length; i++) {
            ExceptRule rule = rules[i];
            String head = rule.location() + " (" + (rule.permit() ? "permit" : "deny") + ", "
                    + criteria(rule.specificity()) + ")";
            if (state[i] == YES) {
                why.add(head + " applies: " + (rule.specificity() == 0 ? "it states no criteria"
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
                why.add(head + " might apply: the request does not give " + rule.missing(r) + ".");
            }
        }
    }

    private static String criteria(int n) {
        return n + (n == 1 ? " criterion" : " criteria");
    }

    private static List<String> say(List<String> why, String s) {
        why.add(s);
        return why;
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
}
