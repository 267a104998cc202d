package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who signed, once the signature holds: the signer's certificate must be valid now, at the time of checking (no signed
 * timestamp says when the signature was made: {@code Signature.when} is not covered by the signature, so it may only
 * make a verdict fail — a certificate not valid at the claimed time fails too), lead to a certificate of the trust store
 * (PKIX at the time of checking; revocation not checked: Custos works offline; only CA certificates of the store
 * anchor a chain, any other certificate of the store is trusted as exactly that signer),
 * and name {@code Signature.who} (Da Vinci CDex style): one of its subjectAltName URIs equals {@code whoUri}, the
 * {@code whoReference.reference} as written, that reference made absolute with the Provenance's server base URL, the
 * reference's {@code identifier.value} (a URI such as urn:oid:…). X.509 URIs are absolute (RFC 5280): a relative
 * reference matches through the server's base URL only, so a Provenance of files or demo data must name its signer
 * by an absolute reference, a whoUri or an identifier.
 */
final class SignerCheck {
    private static final int SAN_URI = 6;

    static Verdict judge(List<X509Certificate> chain, JsonNode sig, TrustStore trust, String base, Instant now,
                         Instant when, String holds) {
        X509Certificate leaf = chain.get(0);
        String signer = leaf.getSubjectX500Principal().getName();
        for (Instant at : when == null ? List.of(now) : List.of(now, when)) {
            try {
                leaf.checkValidity(Date.from(at));
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                return new Verdict(Verdict.Kind.CERTIFICATE_TIME, "the certificate of " + signer + " is valid from "
                        + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ", "
                        + (at == now ? "not now (" + now + ")" : "not when the signature says it was made ("
                        + when + ")") + (e instanceof CertificateExpiredException ? ": it had expired"
                        : ": it was not yet valid") + " (" + holds + ")");
            }
        }
        if (trust.isEmpty()) {
            return new Verdict(Verdict.Kind.UNTRUSTED_SIGNER, "no trust store is configured, so the signer " + signer
                    + " cannot be trusted (" + holds + ")");
        }
        String untrusted = trusted(chain, trust, now);
        if (untrusted != null) {
            return new Verdict(Verdict.Kind.UNTRUSTED_SIGNER, "the certificate of " + signer + " (issued by "
                    + leaf.getIssuerX500Principal().getName() + ") does not lead to a certificate of the trust store "
                    + trust.source() + ": " + untrusted + " (" + holds + ")");
        }
        Set<String> who = whoNames(sig, base);
        List<String> san = sanUris(leaf);
        if (who.isEmpty()) {
            return new Verdict(Verdict.Kind.WHO_MISMATCH, "the signature names no who to compare the certificate of "
                    + signer + " with (" + holds + ")");
        }
        for (String s : san) {
            if (who.contains(s)) {
                return new Verdict(Verdict.Kind.VALID, holds + "; the signer " + signer + " is trusted (trust store "
                        + trust.source() + "), its certificate is valid now" + (when == null ? "" : " and was at " + when)
                        + " and names " + s
                        + " (subjectAltName URI)");
            }
        }
        return new Verdict(Verdict.Kind.WHO_MISMATCH, "the certificate of " + signer + " names "
                + (san.isEmpty() ? "no URI in its subjectAltName" : String.join(", ", san)) + ", but the signature's "
                + "who is " + String.join(" / ", who) + " (" + holds + ")");
    }

    /** Null when the chain leads to the trust store; otherwise why not. */
    private static String trusted(List<X509Certificate> chain, TrustStore trust, Instant when) {
        if (trust.certificates().contains(chain.get(0))) {
            return null;
        }
        if (trust.anchors().isEmpty()) {
            return "the store holds no CA certificate, and this signer's own certificate is not in it";
        }
        try {
            PKIXParameters params = new PKIXParameters(trust.anchors());
            params.setRevocationEnabled(false);
            params.setDate(Date.from(when));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
            return null;
        } catch (GeneralSecurityException e) {
            return e.getMessage();
        }
    }

    /** The names that identify {@code Signature.who}. */
    static Set<String> whoNames(JsonNode sig, String base) {
        Set<String> out = new LinkedHashSet<>();
        String uri = sig.path("whoUri").asText("");
        if (!uri.isEmpty()) {
            out.add(uri);
        }
        JsonNode ref = sig.path("whoReference");
        String r = ref.path("reference").asText("");
        if (!r.isEmpty()) {
            out.add(r);
            if (!r.contains("://") && !r.startsWith("#") && base != null && base.contains("://")) {
                out.add(base + "/" + r);
            }
        }
        String value = ref.path("identifier").path("value").asText("");
        if (!value.isEmpty()) {
            out.add(value);
        }
        return out;
    }

    static List<String> sanUris(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> n : cert.getSubjectAlternativeNames()) {
                    if (n.size() >= 2 && n.get(0) instanceof Integer t && t == SAN_URI && n.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension names nobody
        }
        return out;
    }

    private SignerCheck() {
    }
}
