package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.consent.DecisionRequest.Actor;
import org.custos.consent.DecisionRequest.Code;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One criterion a Consent (its scope) or an except entry states, compiled: codes (any of), actor groups (all of,
 * see {@link ActorGroup}), a period [lo, hi] (epoch ms) or references. {@link #test} answers {@link #YES},
 * {@link #NO} or {@link #UNKNOWN} (the request lacks the fact).
 */
record Criterion(Kind kind, Code[] codes, ActorGroup[] actors, long lo, long hi, String[] refs, String text) {
    static final int NO = 0;
    static final int YES = 1;
    static final int UNKNOWN = 2;

    enum Kind {
        PERIOD("period", "a date"), ACTOR("actor", "an actor in that role"), ACTION("action", "an action"),
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

    /**
     * The stated actors sharing one role (the role's codings: any of them): one of them must take part in that
     * role. An actor stated without a role is a group of its own, matched by reference alone. A null reference is
     * an actor stated by identifier only (unknown to Custos).
     */
    record ActorGroup(Code[] roles, String[] references) {
        int test(List<Actor> given) {
            boolean unknown = false;
            boolean roleGiven = false;
            for (Actor g : given) {
                boolean inRole = roles.length == 0 || g.role() != null && anyRole(g.role());
                roleGiven |= inRole;
                for (String ref : references) {
                    if (ref != null && ref.equals(g.reference())) {
                        if (inRole) {
                            return YES;
                        }
                        unknown |= g.role() == null; // the right actor, its role not known
                    }
                }
            }
            for (String ref : references) {
                unknown |= ref == null;
            }
            // nobody in the request takes this role: whether one of the stated actors did is not known
            return unknown || !roleGiven ? UNKNOWN : NO;
        }

        private boolean anyRole(Code role) {
            for (Code r : roles) {
                if (r.matches(role)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return String.join(" or ", Arrays.stream(references).map(r -> r == null ? "(no reference)" : r)
                    .toList()) + (roles.length == 0 ? "" : " (" + String.join("/", Arrays.stream(roles)
                    .map(Code::code).toList()) + ")");
        }
    }

    int test(DecisionRequest r) {
        switch (kind) {
            case PERIOD:
                return r.date() == null ? UNKNOWN : FhirValues.within(r.date(), lo, hi) ? YES : NO;
            case DATA_PERIOD:
                return r.dataDate() == null ? UNKNOWN : FhirValues.within(r.dataDate(), lo, hi) ? YES : NO;
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
                return actors(r.actors());
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

    /** Every group must be matched: NO when one is not, else UNKNOWN when one is not known, else YES. */
    private int actors(List<Actor> given) {
        if (given.isEmpty()) {
            return UNKNOWN;
        }
        int s = YES;
        for (ActorGroup g : actors) {
            int t = g.test(given);
            if (t == NO) {
                return NO;
            }
            if (t == UNKNOWN) {
                s = UNKNOWN;
            }
        }
        return s;
    }

    // ---- compiling ----

    /** The criteria an element (the Consent itself, or one except entry) states, in a fixed order. */
    static List<Criterion> of(JsonNode n, String where, boolean withPeriod) {
        List<Criterion> out = new ArrayList<>();
        if (withPeriod && n.has("period")) {
            long[] p = FhirValues.period(n.get("period"), where + ".period");
            out.add(new Criterion(Kind.PERIOD, null, null, p[0], p[1], null,
                    "period " + FhirValues.periodText(n.get("period"))));
        }
        JsonNode actors = n.path("actor");
        if (actors.size() > 0) {
            ActorGroup[] groups = groups(actors);
            out.add(new Criterion(Kind.ACTOR, null, groups, 0, 0, null, "actor " + String.join(" and ",
                    Arrays.stream(groups).map(ActorGroup::toString).toList())));
        }
        concepts(out, Kind.ACTION, n.get("action"), true);
        concepts(out, Kind.LABEL, n.get("securityLabel"), false);
        concepts(out, Kind.PURPOSE, n.get("purpose"), false);
        concepts(out, Kind.CLASS, n.get("class"), false);
        concepts(out, Kind.CODE, n.get("code"), false);
        if (n.has("dataPeriod")) {
            long[] p = FhirValues.period(n.get("dataPeriod"), where + ".dataPeriod");
            out.add(new Criterion(Kind.DATA_PERIOD, null, null, p[0], p[1], null,
                    "dataPeriod " + FhirValues.periodText(n.get("dataPeriod"))));
        }
        JsonNode data = n.path("data");
        if (data.size() > 0) {
            List<String> refs = new ArrayList<>();
            for (JsonNode d : data) {
                String ref = FhirValues.reference(FhirValues.text(d.path("reference").get("reference")));
                if (ref != null) {
                    refs.add(ref);
                }
            }
            out.add(new Criterion(Kind.DATA, null, null, 0, 0, refs.toArray(String[]::new),
                    "data " + String.join(" or ", refs)));
        }
        return out;
    }

    /** Actors grouped by role (same codings, in order of first appearance); each actor without a role alone. */
    private static ActorGroup[] groups(JsonNode actors) {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, Code[]> roles = new LinkedHashMap<>();
        int alone = 0;
        for (JsonNode x : actors) {
            Code[] role = codings(x.get("role")).toArray(Code[]::new);
            String key = role.length == 0 ? "\u0000" + alone++ : Arrays.toString(role);
            roles.putIfAbsent(key, role);
            refs.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(FhirValues.reference(FhirValues.text(x.path("reference").get("reference"))));
        }
        List<ActorGroup> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : refs.entrySet()) {
            out.add(new ActorGroup(roles.get(e.getKey()), e.getValue().toArray(String[]::new)));
        }
        return out.toArray(ActorGroup[]::new);
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
                codes.add(new Code(FhirValues.text(x.get("system")), FhirValues.text(x.get("code"))));
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
                    out.add(new Code(FhirValues.text(c.get("system")), FhirValues.text(c.get("code"))));
                }
            }
        }
        return out;
    }
}
