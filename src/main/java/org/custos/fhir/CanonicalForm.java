package org.custos.fhir;

import org.hl7.fhir.dstu3.formats.IParser;
import org.hl7.fhir.dstu3.formats.JsonParser;
import org.hl7.fhir.dstu3.formats.XmlParser;
import org.hl7.fhir.dstu3.model.DomainResource;
import org.hl7.fhir.dstu3.model.Resource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a signature over a resource covers (Provenance.signature; STU3 "Signature" datatype and the canonical
 * forms of json.html / xml.html): the resource read by the FHIR reference implementation's STU3 parser and written
 * by it in its canonical output style (JSON: properties in alphabetical order, no whitespace; XML: no whitespace
 * between elements), UTF-8. Before writing, Custos removes what changes without the content changing: the narrative
 * ({@code text}, as the FHIR canonical form does) and the server-assigned {@code meta.versionId} and
 * {@code meta.lastUpdated} (a server sets them on every store, so a signature over them would break on a re-store of
 * the same content). Everything else stays: the id, other meta, extensions, contained resources.
 * A text the STU3 parser refuses (unknown elements, wrong shapes) has no canonical form: {@link FhirFormatException}.
 */
public final class CanonicalForm {
    /**
     * The name Custos records for this form in its JWS headers ("canon"): its own, not FHIR's canonicalization URL,
     * because it also leaves out meta.versionId and meta.lastUpdated (README, "Signatures").
     */
    public static final String JSON = "urn:custos:canonical:fhir-stu3-json:v1";

    /** The canonical JSON bytes of a resource given as FHIR JSON. */
    public byte[] json(String resourceJson) {
        Resource r = read(resourceJson);
        try {
            JsonParser p = new JsonParser();
            p.setOutputStyle(IParser.OutputStyle.CANONICAL);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.compose(out, r);
            return out.toByteArray();
        } catch (Exception | StackOverflowError e) {
            throw new FhirFormatException("The resource cannot be written in canonical JSON: " + message(e), e);
        }
    }

    /** The canonical XML bytes of a resource given as FHIR JSON. */
    public byte[] xml(String resourceJson) {
        Resource r = read(resourceJson);
        try {
            XmlParser p = new XmlParser();
            p.setOutputStyle(IParser.OutputStyle.CANONICAL);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.compose(out, r);
            return out.toByteArray();
        } catch (Exception | StackOverflowError e) {
            throw new FhirFormatException("The resource cannot be written in canonical XML: " + message(e), e);
        }
    }

    private static Resource read(String resourceJson) {
        Resource r;
        try {
            r = new JsonParser().parse(resourceJson.getBytes(StandardCharsets.UTF_8));
        } catch (Exception | StackOverflowError e) {
            throw new FhirFormatException("The resource is not STU3 JSON the canonical form can be made of: "
                    + message(e), e);
        }
        if (r instanceof DomainResource d) {
            d.setText(null);
        }
        if (r.hasMeta()) {
            r.getMeta().setVersionId(null);
            r.getMeta().setLastUpdated(null);
            if (r.getMeta().isEmpty()) {
                r.setMeta(null);
            }
        }
        return r;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
