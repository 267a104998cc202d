package org.custos.consent;

import java.util.ArrayList;
import java.util.List;

import static org.custos.consent.Criterion.NO;
import static org.custos.consent.Criterion.UNKNOWN;
import static org.custos.consent.Criterion.YES;

/** One compiled {@code except} entry: its index, type (true: permit) and stated criteria. */
record ExceptRule(int index, boolean permit, Criterion[] criteria, String location, String text) {
    ExceptRule(int index, boolean permit, Criterion[] criteria) {
        this(index, permit, criteria, "Consent.except[" + index + "]", describe(index, permit, criteria));
    }

    /** YES when every criterion matches, NO when one does not, else UNKNOWN. */
    int test(DecisionRequest r) {
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

    /** How specific the entry is: the number of criteria it states. */
    int specificity() {
        return criteria.length;
    }

    /** The facts the request lacks for this entry, in words. */
    String missing(DecisionRequest r) {
        List<String> facts = new ArrayList<>();
        for (Criterion c : criteria) {
            if (c.test(r) == UNKNOWN) {
                facts.add(c.kind() == Criterion.Kind.ACTOR ? "actor (with role) matching " + c.text()
                        : c.kind().fact + " (" + c.text() + ")");
            }
        }
        return String.join(", ", facts);
    }

    private static String describe(int index, boolean permit, Criterion[] criteria) {
        List<String> parts = new ArrayList<>();
        for (Criterion c : criteria) {
            parts.add(c.text());
        }
        return "Consent.except[" + index + "]: " + (permit ? "permit" : "deny")
                + (parts.isEmpty() ? " (no criteria: always)" : " (" + String.join("; ", parts) + ")");
    }
}
