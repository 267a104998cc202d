package org.custos.provenance;

import org.w3c.dom.Document;

import javax.xml.crypto.OctetStreamData;
import javax.xml.crypto.URIReferenceException;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.XPathFilterParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Detached XML signatures a test makes by hand: several references, or a reference with an XPath transform. */
final class TestXmlSignatures {
    static byte[] sign(Map<String, byte[]> contents, TestPki.Signer signer, String xpath) throws Exception {
        XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
        List<Reference> refs = new ArrayList<>();
        Map<String, byte[]> sorted = new TreeMap<>(contents);
        for (String uri : sorted.keySet()) {
            List<Transform> transforms = xpath == null ? List.of() : List.of(f.newTransform(Transform.XPATH,
                    new XPathFilterParameterSpec(xpath)));
            refs.add(f.newReference(uri, f.newDigestMethod(DigestMethod.SHA256, null), transforms, null, null));
        }
        var si = f.newSignedInfo(f.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE,
                (C14NMethodParameterSpec) null), f.newSignatureMethod(SignatureMethod.RSA_SHA256, null), refs);
        KeyInfoFactory kif = f.getKeyInfoFactory();
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        Document doc = dbf.newDocumentBuilder().newDocument();
        DOMSignContext ctx = new DOMSignContext(signer.keys().getPrivate(), doc);
        ctx.setURIDereferencer((uri, c) -> {
            byte[] b = sorted.get(uri.getURI());
            if (b == null) {
                throw new URIReferenceException("unknown " + uri.getURI());
            }
            return new OctetStreamData(new ByteArrayInputStream(b), uri.getURI(), null);
        });
        f.newXMLSignature(si, kif.newKeyInfo(List.of(kif.newX509Data(List.of(signer.cert()))))).sign(ctx);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }

    private TestXmlSignatures() {
    }
}
