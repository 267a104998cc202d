package org.custos.provenance;

import org.custos.fhir.CanonicalForm;
import org.custos.fhir.FhirFormatException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorException;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.OctetStreamData;
import javax.xml.crypto.URIReferenceException;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An XML digital signature ({@code application/signature+xml}) detached from what it signs, checked with the JDK's
 * XML digital signature API (secure validation on). Each target is one {@code ds:Reference} whose URI is the
 * target's reference as written in {@code Provenance.target} ("Consent/1"); the bytes digested are the target's
 * canonical FHIR XML ({@link CanonicalForm#xml}), taken as an octet stream: a reference with a transform is refused
 * (it could digest less than the target). Every target must be covered once, and nothing else may be. The signer's certificate chain comes from {@code KeyInfo/X509Data}, leaf first.
 */
final class XmlSigCheck {
    /** The signer's chain (leaf first) of an XML signature that holds over the targets' current content. */
    static List<X509Certificate> check(byte[] blob, SignatureVerifier.Content content, CanonicalForm canon)
            throws Refusal {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(blob));
        } catch (Exception e) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the blob is not XML (" + e.getMessage() + "); it reads \""
                    + SignatureVerifier.preview(new String(blob, java.nio.charset.StandardCharsets.UTF_8)) + "\"");
        }
        NodeList nl = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        if (nl.getLength() == 0) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the blob holds no XML signature (ds:Signature)");
        }
        SignedTargets targets = content.get();
        Map<String, byte[]> bytes = new HashMap<>();
        try {
            for (SignedTargets.Item t : targets.items()) {
                bytes.put(t.reference(), canon.xml(t.json()));
            }
        } catch (FhirFormatException e) {
            throw new Refusal(Verdict.Kind.CANNOT_VERIFY, "the target's canonical form cannot be made: "
                    + e.getMessage());
        }
        Certificates keys = new Certificates();
        DOMValidateContext ctx = new DOMValidateContext(keys, nl.item(0));
        ctx.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        ctx.setURIDereferencer((ref, c) -> {
            byte[] b = bytes.get(ref.getURI());
            if (b == null) {
                throw new URIReferenceException("it covers " + ref.getURI() + ", which is not a target of this "
                        + "Provenance");
            }
            return new OctetStreamData(new ByteArrayInputStream(b), ref.getURI(), "application/fhir+xml");
        });
        XMLSignature sig;
        try {
            sig = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
        } catch (MarshalException | ClassCastException e) {
            throw invalid("the XML signature is malformed: " + e.getMessage());
        }
        List<String> covered = new ArrayList<>();
        for (Object o : sig.getSignedInfo().getReferences()) {
            Reference ref = (Reference) o;
            if (!ref.getTransforms().isEmpty()) {
                // a transform (XPath, XPath filter, …) could digest less than the target: an XPath "false()" digests
                // nothing, so that any later content would still "verify"
                throw invalid("the XML signature transforms what it covers (" + ref.getURI() + "); Custos accepts "
                        + "only references over the target's canonical bytes themselves");
            }
            if (covered.contains(ref.getURI())) {
                throw invalid("the XML signature covers " + ref.getURI() + " twice");
            }
            covered.add(ref.getURI());
        }
        for (SignedTargets.Item t : targets.items()) {
            if (!covered.contains(t.reference())) {
                throw invalid("the XML signature does not cover the target " + t.reference() + " (it covers "
                        + covered + ")");
            }
        }
        boolean ok;
        try {
            ok = sig.validate(ctx);
        } catch (XMLSignatureException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KeySelectorException) {
                throw new Refusal(Verdict.Kind.CANNOT_VERIFY, cause.getMessage());
            }
            throw invalid("the XML signature cannot be checked: " + (cause instanceof URIReferenceException
                    ? cause.getMessage() : e.getMessage()));
        }
        if (!ok) {
            try {
                for (Object o : sig.getSignedInfo().getReferences()) {
                    Reference r = (Reference) o;
                    if (!r.validate(ctx)) {
                        throw invalid("the digest of " + r.getURI() + " does not match the current content of "
                                + targets.described() + ": the content changed after signing"
                                + SignatureVerifier.versionHint(targets));
                    }
                }
            } catch (XMLSignatureException e) {
                throw invalid("the XML signature cannot be checked: " + e.getMessage());
            }
            throw invalid("the signature value does not verify with the key of its certificate (another key "
                    + "signed, or the signature was altered)");
        }
        return keys.chain;
    }

    private static Refusal invalid(String reason) {
        return new Refusal(Verdict.Kind.INVALID, reason);
    }

    /** Takes the key from the first certificate of KeyInfo/X509Data and keeps the chain it came with. */
    private static final class Certificates extends KeySelector {
        private List<X509Certificate> chain = List.of();

        @Override
        public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method,
                                        XMLCryptoContext context) throws KeySelectorException {
            List<X509Certificate> found = new ArrayList<>();
            if (keyInfo != null) {
                for (Object o : keyInfo.getContent()) {
                    if (o instanceof X509Data d) {
                        for (Object c : d.getContent()) {
                            if (c instanceof X509Certificate x) {
                                found.add(x);
                            }
                        }
                    }
                }
            }
            if (found.isEmpty()) {
                throw new KeySelectorException("the XML signature carries no certificate (KeyInfo/X509Data), so the "
                        + "signer cannot be known");
            }
            chain = List.copyOf(found);
            X509Certificate leaf = found.get(0);
            return () -> leaf.getPublicKey();
        }
    }

    private XmlSigCheck() {
    }
}
