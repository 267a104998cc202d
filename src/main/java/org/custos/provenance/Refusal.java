package org.custos.provenance;

/** A check that ends before a signature is valid: carries the verdict (inside the signature checks only). */
final class Refusal extends Exception {
    private final transient Verdict verdict;

    Refusal(Verdict.Kind kind, String reason) {
        super(reason, null, false, false);
        this.verdict = new Verdict(kind, reason);
    }

    Verdict verdict() {
        return verdict;
    }
}
