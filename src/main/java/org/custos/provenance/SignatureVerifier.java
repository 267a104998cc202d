package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.cache.FhirTimes;
import org.custos.fhir.CanonicalForm;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks the signatures of a Provenance (issue 12): each one over the current content of the Provenance's targets,
 * then its signer's certificate (valid now and at {@code Signature.when}, trusted, naming {@code Signature.who}). Every
 * signature gets a {@link Verdict} with its reason; nothing here throws on bad input. What is checked in which order:
 * <ol>
 *   <li>a blob in a format Custos checks ({@code application/jose} or STU3's {@code application/jwt}: {@link JwsCheck};
 *   {@code application/signature+xml}: {@link XmlSigCheck}); otherwise, or for a blob that is not of its declared
 *   format at all (the official examples' placeholders), <em>cannot verify</em>;</li>
 *   <li>the signature over the targets' current content (a changed target, a wrong key, a malformed signature:
 *   <em>invalid</em>; a target that cannot be had: <em>cannot verify</em>);</li>
 *   <li>the signer's certificate, then the trust store, then who ({@link SignerCheck}).</li>
 * </ol>
 */
public final class SignatureVerifier {
    /** The current content of a resource: its JSON and version id (null when it has none). */
    public record Target(String json, String versionId) {
    }

    /** The current content of a resource of the Provenance's origin (cache, else its server); empty when unknown. */
    public interface Source {
        Optional<Target> current(String type, String id);
    }

    /** The targets' content, read only when a signature gets that far. */
    interface Content {
        SignedTargets get() throws Refusal;
    }

    private final CanonicalForm canon = new CanonicalForm();
    private final TrustStore trust;
    private final Supplier<Instant> clock;

    public SignatureVerifier(TrustStore trust) {
        this(trust, Instant::now);
    }

    public SignatureVerifier(TrustStore trust, Supplier<Instant> clock) {
        this.trust = trust;
        this.clock = clock;
    }

    /**
     * The verdict of every signature of {@code provenance}, in order (empty when it has none).
     *
     * @param source     the current content of a resource of the Provenance's origin
     * @param originBase the base URL of the Provenance's server (absolute references into it are read, and a
     *                   certificate may name the signer by the absolute URL); null for files and demo data
     */
    public List<Verdict> verify(JsonNode provenance, Source source, String originBase) {
        List<Verdict> out = new ArrayList<>();
        JsonNode sigs = provenance.path("signature");
        Content once = once(() -> SignedTargets.read(provenance, source, originBase));
        for (int i = 0; i < (sigs.isArray() ? sigs.size() : 0); i++) {
            out.add(verify(provenance.path("signature").path(i), once, originBase));
        }
        return out;
    }

    /** The verdict of signature {@code index} of {@code provenance}. */
    public Verdict verify(JsonNode provenance, int index, Source source, String originBase) {
        return verify(provenance.path("signature").path(index), once(() -> SignedTargets.read(provenance, source,
                originBase)), originBase);
    }

    /**
     * The targets read at most once, whatever asks (the signature, then the signer's words, then further signatures):
     * a check is made against one reading, and names that reading's versions.
     */
    private static Content once(Content read) {
        Object[] memo = new Object[1];
        return () -> {
            if (memo[0] == null) {
                try {
                    memo[0] = read.get();
                } catch (Refusal r) {
                    memo[0] = r;
                }
            }
            if (memo[0] instanceof Refusal r) {
                throw r;
            }
            return (SignedTargets) memo[0];
        };
    }

    private Verdict verify(JsonNode sig, Content content, String originBase) {
        try {
            return check(sig, content, originBase);
        } catch (Refusal r) {
            return r.verdict();
        } catch (RuntimeException e) {
            return new Verdict(Verdict.Kind.CANNOT_VERIFY, "checking failed unexpectedly: " + e);
        }
    }

    private Verdict check(JsonNode sig, Content content, String base) throws Refusal {
        if (!sig.isObject()) {
            throw cannot("there is no such signature");
        }
        String blobText = sig.path("blob").asText("");
        if (blobText.isBlank()) {
            throw cannot("the signature has no blob (it was not recorded electronically)");
        }
        String type = sig.path("contentType").asText("").split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            throw cannot("the signature names no content type, so its format is unknown");
        }
        boolean jws = type.equals("application/jose") || type.equals("application/jwt");
        if (!jws && !type.equals("application/signature+xml")) {
            throw cannot("a signature of type " + type + (type.startsWith("image/") ? " is a picture of a "
                    + "signature; it" : "") + " cannot be checked (Custos checks application/jose, application/jwt "
                    + "and application/signature+xml)");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(blobText.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw cannot("the blob is not base64 (" + e.getMessage() + "); it reads \"" + preview(blobText) + "\"");
        }
        List<X509Certificate> chain = jws ? JwsCheck.check(blob, content, canon) : XmlSigCheck.check(blob, content,
                canon);
        SignedTargets targets = content.get();
        return SignerCheck.judge(chain, sig, trust, base, clock.get(), when(sig), (jws
                ? "the JWS over the canonical JSON of " : "the XML signature over the canonical XML of ")
                + targets.described() + " holds");
    }

    /** Signature.when, null when absent or unreadable. */
    private static Instant when(JsonNode sig) {
        String w = sig.path("when").asText("");
        if (!w.isEmpty()) {
            try {
                return Instant.ofEpochMilli(FhirTimes.parseInstantMillis(w));
            } catch (RuntimeException e) {
                // an unreadable time: the certificate is checked at the time of checking only
            }
        }
        return null;
    }

    private static Refusal cannot(String reason) {
        return new Refusal(Verdict.Kind.CANNOT_VERIFY, reason);
    }

    /** The start of a text as a reviewer may see it in a reason (control characters shown as '?'). */
    static String preview(String text) {
        String t = text.replaceAll("\\p{Cntrl}", "?");
        return t.length() <= 40 ? t : t.substring(0, 40) + "…";
    }

    /** ", it was signed as version 2 and is now version 3" when the target reference named another version. */
    static String versionHint(SignedTargets targets) {
        StringBuilder b = new StringBuilder();
        for (SignedTargets.Item t : targets.items()) {
            int h = t.reference().indexOf("/_history/");
            if (h > 0 && t.versionId() != null) {
                String signed = t.reference().substring(h + "/_history/".length());
                if (!signed.equals(t.versionId())) {
                    b.append("; ").append(t.type()).append('/').append(t.id()).append(" was named as version ")
                            .append(signed).append(" and is now version ").append(t.versionId());
                }
            }
        }
        return b.toString();
    }
}
