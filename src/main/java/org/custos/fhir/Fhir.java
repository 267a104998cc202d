package org.custos.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Meta;
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
        if (!(context.getRestfulClientFactory() instanceof RoutedClients)) {
            RoutedClients routed = new RoutedClients(context);
            routed.setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
            context.setRestfulClientFactory(routed);
        }
    }

    /** The context's client factory, which hands a writer's own HTTP client to the requests it makes. */
    RoutedClients clients() {
        return (RoutedClients) context.getRestfulClientFactory();
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

    /** One resource read from a file's text: its type, id and meta.versionId as written (null when absent). */
    public record ResourceText(String type, String id, String versionId, String json) {
    }

    /**
     * Reads one resource from JSON or XML text (told apart by the first character that is not white space) and
     * returns it as compact JSON. Throws {@link FhirFormatException} naming the problem: not FHIR STU3, empty, or a
     * Bundle (one resource is wanted, not a collection).
     */
    public ResourceText readOne(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1).strip();
        }
        if (t.isEmpty()) {
            throw new FhirFormatException("The file is empty.");
        }
        IBaseResource r;
        try {
            if (t.charAt(0) == '{') {
                r = context.newJsonParser().parseResource(t);
            } else if (t.charAt(0) == '<') {
                r = context.newXmlParser().parseResource(t);
            } else {
                throw new FhirFormatException("Neither JSON nor XML (it starts with '"
                        + t.substring(0, Math.min(20, t.length())).replaceAll("\\p{Cntrl}", "?") + "').");
            }
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirFormatException("Not a FHIR STU3 resource: " + cleanMessage(e));
        }
        String type = context.getResourceType(r);
        if (r instanceof Bundle) {
            throw new FhirFormatException("A Bundle, not a single resource: give one resource per file.");
        }
        String id = r.getIdElement().hasIdPart() ? r.getIdElement().getIdPart() : null;
        String version = r.getMeta() != null && r.getMeta().getVersionId() != null
                && !r.getMeta().getVersionId().isBlank() ? r.getMeta().getVersionId() : null;
        return new ResourceText(type, id, version, context.newJsonParser().encodeResourceToString(r));
    }

    /** Pretty JSON of a stored resource. */
    public String prettyJson(String json) {
        return context.newJsonParser().setPrettyPrint(true).encodeResourceToString(parseJson(json));
    }

    /** Pretty XML of a stored (JSON) resource. */
    public String toXml(String json) {
        return context.newXmlParser().setPrettyPrint(true).encodeResourceToString(parseJson(json));
    }

    /**
     * Whether two JSON texts hold the same resource content in FHIR's sense: both parsed and written again without
     * their id and what a server writes into meta by itself (versionId, lastUpdated, HAPI's source), so that key
     * order, white space and a server's bookkeeping do not count; the narrative, tags and security labels do.
     * Either not being FHIR JSON: false.
     */
    public boolean sameContent(String jsonA, String jsonB) {
        if (jsonA == null || jsonB == null) {
            return false;
        }
        try {
            return contentOnly(jsonA).equals(contentOnly(jsonB));
        } catch (FhirFormatException e) {
            return false;
        }
    }

    /**
     * The resource without what a server sets by itself: its id (the request names it), {@code meta.versionId},
     * {@code meta.lastUpdated} and HAPI's meta source extension (STU3 has no {@code meta.source}). Everything
     * else counts: the narrative, tags, security labels and profiles (tags and labels as sets: their order does
     * not count).
     */
    private String contentOnly(String json) {
        IBaseResource r = parseJson(json);
        if (r instanceof Resource res) {
            res.setIdElement(null);
            Meta m = res.getMeta();
            m.setVersionIdElement(null);
            m.setLastUpdatedElement(null);
            m.getExtension().removeIf(e -> META_SOURCE.equals(e.getUrl()));
            m.getTag().sort(java.util.Comparator.comparing(Fhir::codingKey));
            m.getSecurity().sort(java.util.Comparator.comparing(Fhir::codingKey));
            if (m.isEmpty()) {
                res.setMeta(null);
            }
        }
        return context.newJsonParser().encodeResourceToString(r);
    }

    /** Where HAPI keeps {@code meta.source} in STU3 resources (it sets it on every write). */
    private static final String META_SOURCE = "http://hapifhir.io/fhir/StructureDefinition/resource-meta-source";

    /** A coding's sort key: tags and labels compare as sets. */
    private static String codingKey(Coding c) {
        return c.getSystem() + "|" + c.getCode() + "|" + c.getVersion() + "|" + c.getDisplay();
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
