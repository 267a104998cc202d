package org.custos.provenance;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.X509CertChainUtils;
import org.custos.fhir.CanonicalForm;
import org.custos.fhir.FhirFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;

/**
 * A JWS signature ({@code application/jose}, STU3's {@code application/jwt}) in compact serialization, detached (the
 * payload part empty, as Da Vinci CDex signs) or not, checked with nimbus-jose-jwt. The signed bytes are the
 * canonical JSON of the target ({@link CanonicalForm#json}); with several targets, a JSON array of their canonical
 * forms in the order of {@code Provenance.target}. The signer's certificate chain comes from the header's x5c. An
 * attached payload must equal those bytes. A header may name the canonicalization ("canon"); another than FHIR's
 * canonical JSON cannot be verified.
 */
final class JwsCheck {
    /** The bytes a JWS over these targets signs. */
    static byte[] payload(SignedTargets targets, CanonicalForm canon) throws Refusal {
        try {
            if (targets.items().size() == 1) {
                return canon.json(targets.items().get(0).json());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write('[');
            for (int i = 0; i < targets.items().size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(canon.json(targets.items().get(i).json()));
            }
            out.write(']');
            return out.toByteArray();
        } catch (FhirFormatException e) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the target's canonical form cannot be made: "
                    + e.getMessage());
        }
    }

    /** The signer's chain (leaf first) of a JWS that holds over the targets' current content. */
    static List<X509Certificate> check(byte[] blob, SignatureVerifier.Content content, CanonicalForm canon)
            throws Refusal {
        String text = new String(blob, StandardCharsets.UTF_8).trim();
        if (text.startsWith("{")) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the blob is a JWS in JSON serialization; Custos checks "
                    + "the compact serialization");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[2].isEmpty()) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the blob is not a JWS (compact serialization: header, "
                    + "payload and signature separated by dots); it reads \"" + SignatureVerifier.preview(text)
                    + "\"");
        }
        boolean detached = parts[1].isEmpty();
        JWSObject jws;
        try {
            jws = JWSObject.parse(text);
        } catch (ParseException e) {
            throw invalid("the JWS is malformed: " + e.getMessage());
        }
        JWSHeader h = jws.getHeader();
        Object canonName = h.getCustomParam("canon");
        if (canonName != null && !CanonicalForm.JSON.equals(canonName)) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the JWS names the canonicalization " + canonName
                    + ", which Custos does not make (it makes " + CanonicalForm.JSON + ")");
        }
        if (JWSAlgorithm.Family.HMAC_SHA.contains(h.getAlgorithm())) {
            throw invalid("the JWS uses " + h.getAlgorithm() + ", a shared-secret code, not a signature");
        }
        List<Base64> x5c = h.getX509CertChain();
        if (x5c == null || x5c.isEmpty()) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the JWS header carries no certificate (x5c), so the "
                    + "signer cannot be known");
        }
        List<X509Certificate> chain;
        try {
            chain = X509CertChainUtils.parse(x5c);
        } catch (ParseException e) {
            throw invalid("the JWS header's certificate (x5c) cannot be read: " + e.getMessage());
        }
        SignedTargets targets = content.get();
        byte[] payload = payload(targets, canon);
        JWSObject checked;
        try {
            checked = detached ? JWSObject.parse(text, new Payload(payload)) : jws;
        } catch (ParseException e) {
            throw invalid("the JWS is malformed: " + e.getMessage());
        }
        boolean ok;
        try {
            JWSVerifier v = new DefaultJWSVerifierFactory().createJWSVerifier(h, chain.get(0).getPublicKey());
            ok = checked.verify(v);
        } catch (JOSEException | IllegalStateException e) {
            throw invalid("the JWS cannot be checked with its certificate's key (" + h.getAlgorithm() + "): "
                    + e.getMessage());
        }
        if (!ok) {
            throw invalid("the signature does not verify over the current content of " + targets.described()
                    + " with the key of its certificate: the content changed after signing, or another key signed"
                    + SignatureVerifier.versionHint(targets));
        }
        if (!detached && !Arrays.equals(checked.getPayload().toBytes(), payload)) {
            throw invalid("the JWS signs content that differs from the current content of " + targets.described()
                    + SignatureVerifier.versionHint(targets));
        }
        return chain;
    }

    private static Refusal invalid(String reason) {
        return new Refusal(Verdict.Kind.INVALID, reason);
    }

    private JwsCheck() {
    }
}
