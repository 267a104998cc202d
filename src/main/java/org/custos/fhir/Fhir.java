package org.custos.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Resource;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * The one {@link FhirContext} (STU3) of the application and the conversions built on it. Views and view models
 * get strings from here, never HAPI model objects.
 */
public final class Fhir {
    private final FhirContext context;

    public Fhir() {
        this(FhirContext.forDstu3());
    }

    public Fhir(FhirContext context) {
        this.context = context;
        // nothing may be lost on the way into the cache: keep "/_history/n" on references and the ids as written
        context.getParserOptions().setStripVersionsFromReferences(false);
        context.getParserOptions().setOverrideResourceIdWithBundleEntryFullUrl(false);
    }

    public FhirContext context() {
        return context;
    }

    /** Pays HAPI's one-off model scan (about a second) off the FX thread. */
    public void warmUp() {
        context.newJsonParser().parseResource("{\"resourceType\":\"AuditEvent\",\"recorded\":\"2020-01-01T00:00:00Z\"}");
        context.newXmlParser().encodeResourceToString(new org.hl7.fhir.dstu3.model.Consent());
    }

    /**
     * Reads an XML resource (a Bundle gives its entries' resources, nested Bundles too) and returns each as
     * compact JSON. Throws {@link FhirFormatException} naming the problem when the XML is not STU3.
     */
    public List<String> xmlToJsonResources(Reader xml) {
        IBaseResource res;
        try {
            res = context.newXmlParser().parseResource(xml);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirFormatException(cleanMessage(e));
        }
        IParser json = context.newJsonParser();
        List<String> out = new ArrayList<>();
        collect(res, json, out);
        return out;
    }

    private static void collect(IBaseResource res, IParser json, List<String> out) {
        if (res instanceof Bundle b) {
            for (Bundle.BundleEntryComponent e : b.getEntry()) {
                Resource r = e.getResource();
                if (r != null) {
                    collect(r, json, out);
                }
            }
        } else {
            out.add(json.encodeResourceToString(res));
        }
    }

    /** Pretty JSON of a stored resource. */
    public String prettyJson(String json) {
        return context.newJsonParser().setPrettyPrint(true).encodeResourceToString(parseJson(json));
    }

    /** Pretty XML of a stored (JSON) resource. */
    public String toXml(String json) {
        return context.newXmlParser().setPrettyPrint(true).encodeResourceToString(parseJson(json));
    }

    private IBaseResource parseJson(String json) {
        try {
            return context.newJsonParser().parseResource(json);
        } catch (DataFormatException e) {
            throw new FhirFormatException(cleanMessage(e));
        }
    }

    static String cleanMessage(Exception e) {
        String m = String.valueOf(e.getMessage());
        // HAPI prefixes its messages with "HAPI-1234: "; keep the code, it is searchable
        return m.length() > 1000 ? m.substring(0, 1000) + "…" : m;
    }
}
