package org.custos.consent;

import java.util.List;

/**
 * The elements of an STU3 Consent the editor models, as a tree: groups (objects, maybe repeated) and primitive
 * fields. Datatypes (Coding, CodeableConcept, Identifier, Reference, Period, Attachment) are groups of their usual
 * parts; whatever a document holds beyond this tree (extensions, modifierExtensions, contained resources, an
 * Identifier's assigner, …) is kept unchanged and shown read-only.
 */
public final class ConsentShape {

    /** How a primitive is typed in (and written back to JSON). */
    public enum Kind { STRING, CODE, URI, DATE_TIME, INTEGER, BASE64 }

    /**
     * One element. A field has a {@link Kind}; a group has children. {@code valueSet} names the codes offered (see
     * {@link ConsentCodes}): on a code field they are the choices, on a Coding / CodeableConcept group a pick fills
     * system, code and display. {@code fixed}: the code field takes only these codes (required bindings).
     */
    public record Element(String name, String label, Kind kind, boolean repeats, boolean required, String valueSet,
                          List<String> fixed, List<Element> children, String help) {
        public boolean isGroup() {
            return kind == null;
        }
    }

    private ConsentShape() {
    }

    static Element field(String name, String label, Kind kind) {
        return new Element(name, label, kind, false, false, null, List.of(), List.of(), null);
    }

    static Element code(String name, String label, boolean required, List<String> fixed, String help) {
        return new Element(name, label, Kind.CODE, false, required, null, fixed, List.of(), help);
    }

    static Element group(String name, String label, boolean repeats, boolean required, String valueSet,
                         String help, Element... children) {
        return new Element(name, label, null, repeats, required, valueSet, List.of(), List.of(children), help);
    }

    // datatypes, as groups of their parts
    static final List<Element> CODING = List.of(field("system", "System", Kind.URI), field("code", "Code", Kind.CODE),
            field("display", "Display", Kind.STRING));

    static Element coding(String name, String label, boolean repeats, String valueSet, String help) {
        return new Element(name, label, null, repeats, false, valueSet, List.of(), CODING, help);
    }

    static Element concept(String name, String label, boolean repeats, boolean required, String valueSet,
                           String help) {
        return group(name, label, repeats, required, valueSet, help,
                coding("coding", "Coding", true, valueSet, null), field("text", "Text", Kind.STRING));
    }

    static Element reference(String name, String label, boolean repeats, boolean required, String help) {
        return group(name, label, repeats, required, null, help,
                field("reference", "Reference", Kind.STRING), field("display", "Display", Kind.STRING));
    }

    static Element period(String name, String label, String help) {
        return group(name, label, false, false, null, help,
                field("start", "Start", Kind.DATE_TIME), field("end", "End", Kind.DATE_TIME));
    }

    static Element identifier(String name, String label, String help) {
        return group(name, label, false, false, null, help,
                code("use", "Use", false, List.of("usual", "official", "temp", "secondary"), null),
                field("system", "System", Kind.URI), field("value", "Value", Kind.STRING));
    }

    static Element attachment(String name, String label, String help) {
        return group(name, label, false, false, null, help,
                field("contentType", "Content type", Kind.CODE), field("title", "Title", Kind.STRING),
                field("url", "URL", Kind.URI), field("creation", "Created", Kind.DATE_TIME),
                field("size", "Size (bytes)", Kind.INTEGER), field("hash", "SHA-1 hash (base64)", Kind.BASE64),
                field("data", "Data (base64)", Kind.BASE64));
    }

    static Element actor(String help) {
        return group("actor", "Actor", true, false, null, help,
                concept("role", "Role", false, true, ConsentCodes.ACTOR_ROLE, "How the actor is involved"),
                reference("reference", "Who", false, true, "Patient, Practitioner, Organization, RelatedPerson, "
                        + "Group, CareTeam or Device"));
    }

    static Element data(String help) {
        return group("data", "Data", true, false, null, help,
                code("meaning", "Meaning", true, List.of("instance", "related", "dependents", "authoredby"),
                        "How the resource reference is interpreted"),
                reference("reference", "Resource", false, true, "The resource the rule is about"));
    }

    /** The STU3 Consent, element by element, in the specification's order. */
    public static final Element CONSENT = group("Consent", "Consent", false, true, null, null,
            identifier("identifier", "Identifier", "Identifier for this record (external references)"),
            code("status", "Status", true, List.of("draft", "proposed", "active", "rejected", "inactive",
                    "entered-in-error"), "draft | proposed | active | rejected | inactive | entered-in-error"),
            concept("category", "Category", true, false, ConsentCodes.CATEGORY, "Classification of the consent"),
            reference("patient", "Patient", false, true, "Who the consent applies to"),
            period("period", "Period", "When the consent is in force"),
            field("dateTime", "Date/time", Kind.DATE_TIME),
            reference("consentingParty", "Consenting party", true, false, "Who is agreeing to the policy and exceptions"),
            actor("Who|what is controlled by this consent"),
            concept("action", "Action", true, false, ConsentCodes.ACTION, "Actions controlled by this consent"),
            reference("organization", "Organization", true, false, "Custodian of the consent"),
            attachment("sourceAttachment", "Source document (attachment)", "The signed source document, if any; "
                    + "only one of the three source elements may be given"),
            identifier("sourceIdentifier", "Source (identifier)", "Only one of the three source elements"),
            reference("sourceReference", "Source (reference)", false, false, "Only one of the three source elements"),
            group("policy", "Policy", true, false, null, "Policies covered by this consent",
                    field("authority", "Authority", Kind.URI), field("uri", "URI", Kind.URI)),
            field("policyRule", "Policy rule", Kind.URI),
            coding("securityLabel", "Security label", true, ConsentCodes.SECURITY_LABEL,
                    "Security labels that define affected resources"),
            coding("purpose", "Purpose of use", true, ConsentCodes.PURPOSE, "Context of activities covered"),
            period("dataPeriod", "Data period", "Timeframe for the data controlled by this consent"),
            data("Data controlled by this consent"),
            group("except", "Exception", true, false, null, "Additional rule: permit or deny",
                    code("type", "Type", true, List.of("deny", "permit"), "deny | permit"),
                    period("period", "Period", "When this exception applies"),
                    actor("Who|what the exception is about"),
                    concept("action", "Action", true, false, ConsentCodes.ACTION, "Actions controlled by this exception"),
                    coding("securityLabel", "Security label", true, ConsentCodes.SECURITY_LABEL, null),
                    coding("purpose", "Purpose of use", true, ConsentCodes.PURPOSE, null),
                    coding("class", "Data class", true, ConsentCodes.CONTENT_CLASS, "e.g. a resource type"),
                    coding("code", "Data code", true, null, "e.g. a LOINC code"),
                    period("dataPeriod", "Data period", "Timeframe for the data controlled by this exception"),
                    data("Data controlled by this exception")));
}
