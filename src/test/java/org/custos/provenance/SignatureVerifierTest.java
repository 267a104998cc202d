package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import org.custos.fhir.CanonicalForm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.provenance.ProvenanceSigner.Format.JWS;
import static org.custos.provenance.ProvenanceSigner.Format.XML;

/**
 * Signatures made here with generated keys and certificates, checked as a reviewer's verify does: valid ones, and each
 * way one fails with its own verdict (issue 12, item 6), for JWS and XML-DSig alike.
 */
class SignatureVerifierTest {
    static final String BASE = "https://fhir.example.org/fhir";
    static final String CONSENT = """
            {"resourceType":"Consent","id":"c1","meta":{"versionId":"3","lastUpdated":"2026-11-01T10:00:00Z"},
             "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Opt in</div>"},
             "status":"active","patient":{"reference":"Patient/p1","display":"Ann Example"},
             "dateTime":"2026-11-01","policyRule":"http://hl7.org/fhir/ConsentPolicy/opt-in"}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final TestPki pki = new TestPki("Custos Test CA");
    private final TestPki.Signer doctor = pki.signer("Dr Who", BASE + "/Practitioner/d1");
    private final Map<String, SignatureVerifier.Target> resources = new HashMap<>(Map.of("Consent/c1",
            new SignatureVerifier.Target(CONSENT, "3")));
    private final SignatureVerifier.Source source = (t, id) -> Optional.ofNullable(resources.get(t + "/" + id));

    private JsonNode signed(ProvenanceSigner.Format f, TestPki.Signer s, String who) throws Exception {
        return signed(f, s.signerKeys(), who, Instant.now());
    }

    private JsonNode signed(ProvenanceSigner.Format f, SignerKeys keys, String who, Instant when) throws Exception {
        String json = new ProvenanceSigner().sign(new ProvenanceSigner.Request("Consent", "c1", "3", CONSENT, who,
                ProvenanceSigner.Purpose.CONSENT, f, when), keys);
        return mapper.readTree(json);
    }

    private Verdict verify(JsonNode p, TrustStore trust) {
        List<Verdict> all = new SignatureVerifier(trust).verify(p, source, BASE);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private TrustStore trusted() {
        return TrustStore.of(List.of(pki.ca), "test CA");
    }

    @Test
    void aSignatureOverTheCurrentContentByATrustedSignerNamingWhoIsValid() throws Exception {
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            Verdict v = verify(signed(f, doctor, "Practitioner/d1"), trusted());
            assertThat(v.kind()).as(f + ": " + v.reason()).isEqualTo(Verdict.Kind.VALID);
            assertThat(v.reason()).contains("Consent/c1 (version 3)", "CN=Dr Who", BASE + "/Practitioner/d1");
        }
    }

    @Test
    void aChangedTargetMakesTheSignatureInvalid() throws Exception {
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            JsonNode p = signed(f, doctor, "Practitioner/d1");
            resources.put("Consent/c1", new SignatureVerifier.Target(CONSENT.replace("opt-in", "opt-out"), "4"));
            Verdict v = verify(p, trusted());
            assertThat(v.kind()).as(f + ": " + v.reason()).isEqualTo(Verdict.Kind.INVALID);
            assertThat(v.reason()).contains("current content of Consent/c1 (version 4)",
                    "was named as version 3 and is now version 4");
            resources.put("Consent/c1", new SignatureVerifier.Target(CONSENT, "3"));
        }
    }

    @Test
    void whatTheServerChangesOnEveryStoreDoesNotBreakASignature() throws Exception {
        JsonNode p = signed(JWS, doctor, "Practitioner/d1");
        String restored = CONSENT.replace("\"3\"", "\"9\"").replace("2026-11-01T10:00:00Z", "2026-12-01T10:00:00Z")
                .replace("Opt in", "Opt in (narrative regenerated)").replace("\n", "\n  ");
        resources.put("Consent/c1", new SignatureVerifier.Target(restored, "9"));
        assertThat(verify(p, trusted()).kind()).isEqualTo(Verdict.Kind.VALID);
    }

    @Test
    void aSignatureMadeWithAnotherKeyThanTheCertificatesIsInvalid() throws Exception {
        SignerKeys wrong = new SignerKeys(TestPki.rsa().getPrivate(), List.of(doctor.cert(), pki.ca));
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            Verdict v = verify(signed(f, wrong, "Practitioner/d1", Instant.now()), trusted());
            assertThat(v.kind()).as(f + ": " + v.reason()).isEqualTo(Verdict.Kind.INVALID);
        }
    }

    @Test
    void aCertificateNotValidWhenSignedGivesItsVerdict() throws Exception {
        TestPki.Signer expired = pki.signer("Dr Old", BASE + "/Practitioner/d1",
                Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(35)));
        TestPki.Signer future = pki.signer("Dr Soon", BASE + "/Practitioner/d1",
                Instant.now().plus(Duration.ofDays(5)), Instant.now().plus(Duration.ofDays(400)));
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            Verdict v = verify(signed(f, expired, "Practitioner/d1"), trusted());
            assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.CERTIFICATE_TIME);
            assertThat(v.reason()).contains("it had expired");
            Verdict w = verify(signed(f, future, "Practitioner/d1"), trusted());
            assertThat(w.kind()).as(w.reason()).isEqualTo(Verdict.Kind.CERTIFICATE_TIME);
            assertThat(w.reason()).contains("it was not yet valid");
        }
        // no signed timestamp says when it was signed: a Signature.when inside the validity does not save a
        // certificate that has expired by now (whoever holds an old key could write any when)
        TestPki.Signer lapsed = pki.signer("Dr Past", BASE + "/Practitioner/d1",
                Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(35)));
        Verdict v = verify(signed(JWS, lapsed.signerKeys(), "Practitioner/d1", Instant.now().minus(Duration.ofDays(60))),
                trusted());
        assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.CERTIFICATE_TIME);
        assertThat(v.reason()).contains("not now");
        // and a when outside the validity fails a certificate valid now
        Verdict early = verify(signed(JWS, doctor.signerKeys(), "Practitioner/d1", Instant.now().minus(
                Duration.ofDays(90))), trusted());
        assertThat(early.kind()).as(early.reason()).isEqualTo(Verdict.Kind.CERTIFICATE_TIME);
        assertThat(early.reason()).contains("not when the signature says it was made");
    }

    @Test
    void aSignersOwnCertificateInTheStoreVouchesForNoOneElse() throws Exception {
        // Dr A's own certificate is trusted; Dr A issues a certificate naming the chief with Dr A's key
        TestPki.Signer drA = pki.signer("Dr A", BASE + "/Practitioner/a");
        TestPki.Signer chief = pki.issuedBy(drA, "Chief", BASE + "/Practitioner/chief");
        TrustStore onlyA = TrustStore.of(List.of(drA.cert()), "Dr A only");
        assertThat(verify(signed(JWS, drA, "Practitioner/a"), onlyA).kind()).isEqualTo(Verdict.Kind.VALID);
        Verdict v = verify(signed(JWS, chief.signerKeys(), "Practitioner/chief", Instant.now()), onlyA);
        assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.UNTRUSTED_SIGNER);
        // an intermediate CA: the chain in x5c leads to the root in the store
        TestPki.Signer viaIntermediate = pki.signerViaIntermediate("Dr Far", BASE + "/Practitioner/far");
        Verdict far = verify(signed(JWS, viaIntermediate.signerKeys(), "Practitioner/far", Instant.now()), trusted());
        assertThat(far.kind()).as(far.reason()).isEqualTo(Verdict.Kind.VALID);
    }

    @Test
    void severalTargetsAreSignedTogether() throws Exception {
        resources.put("Consent/c2", new SignatureVerifier.Target(CONSENT.replace("\"c1\"", "\"c2\""), "1"));
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            ObjectNode p = (ObjectNode) signedBoth(f);
            assertThat(verify(p, trusted()).kind()).as(f.toString()).isEqualTo(Verdict.Kind.VALID);
            resources.put("Consent/c2", new SignatureVerifier.Target(CONSENT.replace("\"c1\"", "\"c2\"")
                    .replace("opt-in", "opt-out"), "2"));
            assertThat(verify(p, trusted()).kind()).as(f.toString()).isEqualTo(Verdict.Kind.INVALID);
            resources.put("Consent/c2", new SignatureVerifier.Target(CONSENT.replace("\"c1\"", "\"c2\""), "1"));
        }
    }

    /** A Provenance over Consent/c1 and Consent/c2, signed with JwsCheck's / XmlSigCheck's rules. */
    private JsonNode signedBoth(ProvenanceSigner.Format f) throws Exception {
        ObjectNode p = (ObjectNode) signed(f, doctor, "Practitioner/d1");
        p.putArray("target").addObject().put("reference", "Consent/c1");
        ((com.fasterxml.jackson.databind.node.ArrayNode) p.get("target")).addObject().put("reference", "Consent/c2");
        CanonicalForm canon = new CanonicalForm();
        byte[] blob;
        if (f == JWS) {
            byte[] payload = ("[" + new String(canon.json(CONSENT), StandardCharsets.UTF_8) + "," + new String(canon.json(
                    resources.get("Consent/c2").json()), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .x509CertChain(List.of(Base64.encode(doctor.cert().getEncoded()))).build(), new Payload(payload));
            jws.sign(new RSASSASigner(doctor.keys().getPrivate()));
            blob = jws.serialize(true).getBytes(StandardCharsets.US_ASCII);
        } else {
            blob = TestXmlSignatures.sign(Map.of("Consent/c1", canon.xml(CONSENT), "Consent/c2",
                    canon.xml(resources.get("Consent/c2").json())), doctor, null);
        }
        return withBlob(p, blob);
    }

    @Test
    void anXmlSignatureWithATransformIsInvalid() throws Exception {
        JsonNode p = signed(XML, doctor, "Practitioner/d1");
        // an XPath "false()" digests nothing: it would "hold" whatever the consent says
        byte[] blob = TestXmlSignatures.sign(Map.of("Consent/c1/_history/3", new CanonicalForm().xml(CONSENT)), doctor,
                "false()");
        Verdict v = verify(withBlob(p, blob), trusted());
        assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.INVALID);
        assertThat(v.reason()).contains("transforms what it covers");
    }

    @Test
    void aSignerOutsideTheTrustStoreIsUntrusted() throws Exception {
        TestPki other = new TestPki("Other CA");
        TestPki.Signer stranger = other.signer("Dr Stranger", BASE + "/Practitioner/d1");
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            Verdict v = verify(signed(f, stranger, "Practitioner/d1"), trusted());
            assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.UNTRUSTED_SIGNER);
            assertThat(v.reason()).contains("CN=Dr Stranger", "test CA");
            Verdict none = verify(signed(f, doctor, "Practitioner/d1"), TrustStore.none());
            assertThat(none.kind()).isEqualTo(Verdict.Kind.UNTRUSTED_SIGNER);
            assertThat(none.reason()).contains("no trust store is configured");
        }
        // the signer's own certificate in the trust store is enough
        Verdict direct = verify(signed(JWS, stranger, "Practitioner/d1"),
                TrustStore.of(List.of(stranger.cert()), "direct"));
        assertThat(direct.kind()).as(direct.reason()).isEqualTo(Verdict.Kind.VALID);
    }

    @Test
    void aCertificateThatNamesSomeoneElseDoesNotMatchWho() throws Exception {
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            Verdict v = verify(signed(f, doctor, "Practitioner/d2"), trusted());
            assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.WHO_MISMATCH);
            assertThat(v.reason()).contains(BASE + "/Practitioner/d1", "Practitioner/d2");
        }
        TestPki.Signer noSan = pki.signer("Dr Nobody", null);
        Verdict v = verify(signed(JWS, noSan, "Practitioner/d1"), trusted());
        assertThat(v.kind()).isEqualTo(Verdict.Kind.WHO_MISMATCH);
        assertThat(v.reason()).contains("no URI in its subjectAltName");
    }

    @Test
    void whoMayBeNamedByUriOrByIdentifier() throws Exception {
        // (a relative reference is matched through the server's base URL: X.509 URIs are absolute, RFC 5280)
        TestPki.Signer byUri = pki.signer("Dr Uri", "https://id.example.org/dr-uri");
        ObjectNode u = (ObjectNode) signed(JWS, byUri, "Practitioner/d9");
        ObjectNode sig = (ObjectNode) u.path("signature").path(0);
        sig.remove("whoReference");
        sig.put("whoUri", "https://id.example.org/dr-uri");
        assertThat(verify(u, trusted()).kind()).isEqualTo(Verdict.Kind.VALID);
        TestPki.Signer npi = pki.signer("Dr Oid", "urn:oid:2.16.840.1.113883.4.6.1234567893");
        ObjectNode p = (ObjectNode) signed(JWS, npi, "Practitioner/d9");
        ObjectNode who = (ObjectNode) p.path("signature").path(0).path("whoReference");
        who.remove("reference");
        who.putObject("identifier").put("system", "urn:ietf:rfc:3986").put("value",
                "urn:oid:2.16.840.1.113883.4.6.1234567893");
        assertThat(verify(p, trusted()).kind()).isEqualTo(Verdict.Kind.VALID);
    }

    @Test
    void ellipticCurveKeysSignAndVerify() throws Exception {
        TestPki.Signer ec = pki.signer("Dr Curve", BASE + "/Practitioner/d1", Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), TestPki.ec());
        for (ProvenanceSigner.Format f : List.of(JWS, XML)) {
            Verdict v = verify(signed(f, ec, "Practitioner/d1"), trusted());
            assertThat(v.kind()).as(f + ": " + v.reason()).isEqualTo(Verdict.Kind.VALID);
        }
    }

    @Test
    void anAttachedPayloadMustBeTheTargetsCurrentContent() throws Exception {
        byte[] canon = new CanonicalForm().json(CONSENT);
        JsonNode good = withBlob(signed(JWS, doctor, "Practitioner/d1"), attached(canon));
        assertThat(verify(good, trusted()).kind()).isEqualTo(Verdict.Kind.VALID);
        byte[] other = new CanonicalForm().json(CONSENT.replace("opt-in", "opt-out"));
        Verdict v = verify(withBlob(good, attached(other)), trusted());
        assertThat(v.kind()).isEqualTo(Verdict.Kind.INVALID);
        assertThat(v.reason()).contains("signs content that differs");
    }

    @Test
    void malformedOrSecretKeyedJwsIsInvalid() throws Exception {
        JsonNode p = signed(JWS, doctor, "Practitioner/d1");
        JWSObject mac = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .x509CertChain(List.of(Base64.encode(doctor.cert().getEncoded()))).build(),
                new Payload(new CanonicalForm().json(CONSENT)));
        mac.sign(new MACSigner(new byte[32]));
        Verdict v = verify(withBlob(p, mac.serialize(true).getBytes(StandardCharsets.US_ASCII)), trusted());
        assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.INVALID);
        Verdict broken = verify(withBlob(p, "e30K.x.y".getBytes(StandardCharsets.US_ASCII)), trusted());
        assertThat(broken.kind()).as(broken.reason()).isEqualTo(Verdict.Kind.INVALID);
        assertThat(broken.reason()).contains("malformed");
    }

    @Test
    void anXmlSignatureThatDoesNotCoverTheTargetIsInvalid() throws Exception {
        JsonNode p = signed(XML, doctor, "Practitioner/d1");
        String xml = new String(java.util.Base64.getDecoder().decode(p.path("signature").path(0).path("blob")
                .asText()), StandardCharsets.UTF_8).replace("URI=\"Consent/c1/_history/3\"", "URI=\"Consent/zz\"");
        Verdict v = verify(withBlob(p, xml.getBytes(StandardCharsets.UTF_8)), trusted());
        assertThat(v.kind()).as(v.reason()).isEqualTo(Verdict.Kind.INVALID);
        assertThat(v.reason()).contains("does not cover the target Consent/c1/_history/3");
    }

    @Test
    void whatCannotBeCheckedSaysWhy() throws Exception {
        JsonNode p = signed(JWS, doctor, "Practitioner/d1");
        resources.clear();
        Verdict missing = verify(p, trusted());
        assertThat(missing.kind()).isEqualTo(Verdict.Kind.CANNOT_VERIFY);
        assertThat(missing.reason()).contains("Consent/c1 is not in the cache");
        ObjectNode img = (ObjectNode) p.deepCopy();
        ((ObjectNode) img.path("signature").path(0)).put("contentType", "image/png");
        assertThat(verify(img, trusted()).reason()).contains("picture of a signature");
        ObjectNode noBlob = (ObjectNode) p.deepCopy();
        ((ObjectNode) noBlob.path("signature").path(0)).remove("blob");
        assertThat(verify(noBlob, trusted()).reason()).contains("no blob");
        ObjectNode noCert = (ObjectNode) p.deepCopy();
        JWSObject bare = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload("x"));
        bare.sign(new RSASSASigner(doctor.keys().getPrivate()));
        assertThat(verify(withBlob(noCert, bare.serialize(true).getBytes(StandardCharsets.US_ASCII)), trusted())
                .reason()).contains("no certificate (x5c)");
    }

    @Test
    void theOfficialExamplesPlaceholdersCannotBeVerified() throws Exception {
        int seen = 0;
        List<Map.Entry<String, JsonNode>> all = new java.util.ArrayList<>(ProvenanceExamples.every());
        all.addAll(ProvenanceExamples.contained());
        for (Map.Entry<String, JsonNode> e : all) {
            JsonNode p = e.getValue();
            if (!p.has("signature")) {
                continue;
            }
            // every target known, so that only the blob can be what stops the check
            SignatureVerifier.Source any = (t, id) -> Optional.of(new SignatureVerifier.Target(CONSENT, "1"));
            for (Verdict v : new SignatureVerifier(trusted()).verify(p, any, BASE)) {
                assertThat(v.kind()).as(e.getKey() + ": " + v.reason()).isEqualTo(Verdict.Kind.CANNOT_VERIFY);
                assertThat(v.reason()).as(e.getKey()).containsAnyOf("not a JWS", "not XML", "not base64",
                        "no blob");
                seen++;
            }
        }
        assertThat(seen).isEqualTo(8);
    }

    private byte[] attached(byte[] payload) throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .x509CertChain(List.of(Base64.encode(doctor.cert().getEncoded()))).build(), new Payload(payload));
        jws.sign(new RSASSASigner(doctor.keys().getPrivate()));
        return jws.serialize().getBytes(StandardCharsets.US_ASCII);
    }

    private static JsonNode withBlob(JsonNode p, byte[] blob) {
        ObjectNode copy = p.deepCopy();
        ((ObjectNode) copy.path("signature").path(0)).put("blob", java.util.Base64.getEncoder().encodeToString(blob));
        return copy;
    }
}
