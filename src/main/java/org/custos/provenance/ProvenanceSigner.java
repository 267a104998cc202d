package org.custos.provenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import org.custos.fhir.CanonicalForm;
import org.custos.fhir.FhirFormatException;
import org.w3c.dom.Document;

import javax.xml.crypto.OctetStreamData;
import javax.xml.crypto.URIReferenceException;
import javax.xml.crypto.dom.DOMStructure;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes a signed Provenance (issue 12, "Signing"): a patient signs a consent, a reviewer attests a record. The
 * Provenance targets one resource (its reference names the version signed), records when, has the signer as its agent
 * and carries one signature over the target's current content, made as {@link SignatureVerifier} checks it: a detached
 * compact JWS (RS256 or ES256 by the key, x5c = the chain, "canon" = FHIR canonical JSON; content type
 * {@code application/jose}) or a detached XML signature ({@code application/signature+xml}, SHA-256, exclusive
 * canonicalization of SignedInfo, the chain in KeyInfo/X509Data). Nothing is stored here: the caller keeps the JSON.
 */
public final class ProvenanceSigner {
    /** The signature formats Custos makes. */
    public enum Format {
        JWS, XML
    }

    /** Why one signs: the signature type (urn:iso-astm:E1762-95:2013) and the agent's role (v3 ParticipationType). */
    public enum Purpose {
        CONSENT("1.2.840.10065.1.12.1.7", "Consent Signature", "AUT", "author (originator)"),
        VERIFICATION("1.2.840.10065.1.12.1.5", "Verification Signature", "VRF", "verifier"),
        AUTHOR("1.2.840.10065.1.12.1.1", "Author's Signature", "AUT", "author (originator)");

        final String code;
        final String display;
        final String role;
        final String roleDisplay;

        Purpose(String code, String display, String role, String roleDisplay) {
            this.code = code;
            this.display = display;
            this.role = role;
            this.roleDisplay = roleDisplay;
        }

        /** A consent is signed by consenting; anything else is attested. */
        public static Purpose forTarget(String type) {
            return type.equals("Consent") ? CONSENT : VERIFICATION;
        }
    }

    /** What to sign: the target ("Consent/1") with its current JSON and version, who signs, why, how, when. */
    public record Request(String type, String id, String versionId, String targetJson, String who, Purpose purpose,
                          Format format, Instant when) {
    }

    private final CanonicalForm canon = new CanonicalForm();
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * The Provenance JSON (a new random id) signing the request's target with {@code keys}.
     *
     * @throws IllegalArgumentException the target has no canonical form, or the key cannot sign
     */
    public String sign(Request r, SignerKeys keys) {
        String id = UUID.randomUUID().toString();
        String target = r.type() + "/" + r.id() + (r.versionId() == null ? "" : "/_history/" + r.versionId());
        String when = r.when().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        byte[] blob;
        try {
            blob = r.format() == Format.JWS ? jws(canon.json(r.targetJson()), keys)
                    : xml(target, canon.xml(r.targetJson()), keys);
        } catch (FhirFormatException e) {
            throw new IllegalArgumentException(r.type() + "/" + r.id() + " cannot be signed: " + e.getMessage(), e);
        }
        ObjectNode p = mapper.createObjectNode();
        p.put("resourceType", "Provenance");
        p.put("id", id);
        p.putArray("target").addObject().put("reference", target);
        p.put("recorded", when);
        ObjectNode agent = p.putArray("agent").addObject();
        coding(agent.putArray("role").addObject(), "http://hl7.org/fhir/v3/ParticipationType", r.purpose().role,
                r.purpose().roleDisplay);
        agent.putObject("whoReference").put("reference", r.who());
        ObjectNode sig = p.putArray("signature").addObject();
        ObjectNode type = sig.putArray("type").addObject();
        type.put("system", "urn:iso-astm:E1762-95:2013").put("code", r.purpose().code).put("display",
                r.purpose().display);
        sig.put("when", when);
        sig.putObject("whoReference").put("reference", r.who());
        sig.put("contentType", r.format() == Format.JWS ? "application/jose" : "application/signature+xml");
        sig.put("blob", java.util.Base64.getEncoder().encodeToString(blob));
        return p.toString();
    }

    private static void coding(ObjectNode concept, String system, String code, String display) {
        concept.putArray("coding").addObject().put("system", system).put("code", code).put("display", display);
    }

    private static byte[] jws(byte[] payload, SignerKeys keys) {
        try {
            List<Base64> x5c = new ArrayList<>();
            for (X509Certificate c : keys.chain()) {
                x5c.add(Base64.encode(c.getEncoded()));
            }
            JWSAlgorithm alg = keys.key().getAlgorithm().equals("EC") ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            JWSHeader header = new JWSHeader.Builder(alg).x509CertChain(x5c)
                    .customParam("canon", CanonicalForm.JSON).build();
            JWSObject jws = new JWSObject(header, new Payload(payload));
            jws.sign(alg == JWSAlgorithm.ES256 ? new ECDSASigner((java.security.interfaces.ECPrivateKey) keys.key())
                    : new RSASSASigner(keys.key()));
            return jws.serialize(true).getBytes(StandardCharsets.US_ASCII);
        } catch (JOSEException | CertificateEncodingException e) {
            throw new IllegalArgumentException("The JWS cannot be made with this key: " + e.getMessage(), e);
        }
    }

    private static byte[] xml(String target, byte[] content, SignerKeys keys) {
        try {
            XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
            Reference ref = f.newReference(target, f.newDigestMethod(DigestMethod.SHA256, null));
            String method = keys.key().getAlgorithm().equals("EC") ? SignatureMethod.ECDSA_SHA256
                    : SignatureMethod.RSA_SHA256;
            SignedInfo si = f.newSignedInfo(f.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE,
                    (C14NMethodParameterSpec) null), f.newSignatureMethod(method, null), List.of(ref));
            KeyInfoFactory kif = f.getKeyInfoFactory();
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            Document doc = dbf.newDocumentBuilder().newDocument();
            DOMSignContext ctx = new DOMSignContext(keys.key(), doc);
            ctx.setURIDereferencer((uri, c) -> {
                if (!uri.getURI().equals(target)) {
                    throw new URIReferenceException("not the target: " + uri.getURI());
                }
                return new OctetStreamData(new ByteArrayInputStream(content), target, "application/fhir+xml");
            });
            f.newXMLSignature(si, kif.newKeyInfo(List.of(kif.newX509Data(new ArrayList<>(keys.chain())))))
                    .sign(ctx);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (GeneralSecurityException | javax.xml.crypto.MarshalException
                 | javax.xml.crypto.dsig.XMLSignatureException | javax.xml.parsers.ParserConfigurationException
                 | javax.xml.transform.TransformerException e) {
            throw new IllegalArgumentException("The XML signature cannot be made with this key: " + e.getMessage(), e);
        }
    }
}
