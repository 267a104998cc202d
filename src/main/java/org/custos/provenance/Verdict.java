package org.custos.provenance;

/**
 * What checking one signature came to, always with the reason: the kind a reviewer filters on and a sentence that
 * names what was checked (the target and its version, the certificate, the rule that failed).
 */
public record Verdict(Kind kind, String reason) {
    /** The six outcomes of issue 12, in words a reviewer reads. */
    public enum Kind {
        VALID("valid"),
        INVALID("invalid"),
        UNTRUSTED_SIGNER("untrusted signer"),
        WHO_MISMATCH("signer does not match who"),
        CERTIFICATE_TIME("certificate expired or not yet valid"),
        CANNOT_VERIFY("cannot verify");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Verdict {
        if (kind == null || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("A verdict needs a kind and a reason.");
        }
    }

    public boolean valid() {
        return kind == Kind.VALID;
    }

    /** "invalid: the signature does not match …" */
    public String text() {
        return kind.label + ": " + reason;
    }
}
