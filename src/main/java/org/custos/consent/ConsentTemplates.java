package org.custos.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Starting points for a new STU3 Consent, as plain JSON (Jackson, no HAPI): each template gives a complete Consent
 * that passes the STU3 validator without errors (status {@code draft}, category LOINC 59284-0 "Patient Consent",
 * the patient, {@code dateTime} now, a {@code policyRule} and the template's {@code except} rules). The editor shows
 * {@link Kind#values()} as a menu ({@link Kind#title()}, {@link Kind#description()}) and asks for what
 * {@link Kind#needs()} before calling {@link #create}.
 */
public final class ConsentTemplates {
    public static final String POLICY_OPT_IN = "http://hl7.org/fhir/ConsentPolicy/opt-in";
    public static final String POLICY_OPT_OUT = "http://hl7.org/fhir/ConsentPolicy/opt-out";
    public static final String LOINC = "http://loinc.org";
    public static final String CONSENT_CATEGORY_CODES = "http://hl7.org/fhir/consentcategorycodes";
    public static final String ACT_REASON = "http://hl7.org/fhir/v3/ActReason";
    public static final String CONSENT_ACTION = "http://hl7.org/fhir/consentaction";
    public static final String PARTICIPATION_TYPE = "http://hl7.org/fhir/v3/ParticipationType";

    /** What a template asks for besides the patient. */
    public enum Needs {
        NOTHING,
        /** a reference to the Practitioner, Organization, … the data must not go to (and optionally its role) */
        ACTOR,
        /** a data class: a code of consent-content-class (e.g. a resource type) */
        DATA_CLASS,
        /** a security label (e.g. R, PSY, HIV) */
        SECURITY_LABEL,
        /** a start and/or an end date */
        PERIOD
    }

    /** The templates, in menu order. */
    public enum Kind {
        OPT_IN("Opt-in", "The patient agrees to share their health information (policy opt-in), no exceptions.",
                Needs.NOTHING),
        OPT_OUT("Opt-out", "The patient withholds consent: their health information is not shared (policy opt-out).",
                Needs.NOTHING),
        SHARE_ALL_EXCEPT_ACTOR("Share all except with …", "Opt-in, but nothing goes to one person or organisation "
                + "(or any of several).", Needs.ACTOR),
        SHARE_ONLY_WITH_ACTORS("Share only with …", "Opt-out, but the data goes to the people and organisations "
                + "named (e.g. the patient's care team).", Needs.ACTOR),
        SHARE_ALL_EXCEPT_DATA_CLASS("Share all except a kind of data", "Opt-in, but one class of data (e.g. a "
                + "resource type) is not shared.", Needs.DATA_CLASS),
        SHARE_ALL_EXCEPT_LABEL("Share all except labelled data", "Opt-in, but data carrying one security label "
                + "(e.g. restricted, psychiatry, HIV) is not shared.", Needs.SECURITY_LABEL),
        SHARE_ALL_EXCEPT_PERIOD("Share all except a period", "Opt-in, but data recorded within a period is not "
                + "shared.", Needs.PERIOD),
        RESEARCH("Research", "The patient agrees to the use of their health information for research (purpose "
                + "HRESCH).", Needs.NOTHING),
        EMERGENCY_ACCESS("Emergency access (break the glass)", "Nothing is shared, except for emergency treatment "
                + "(purpose ETREAT).", Needs.NOTHING);

        private final String title;
        private final String description;
        private final Needs needs;

        Kind(String title, String description, Needs needs) {
            this.title = title;
            this.description = description;
            this.needs = needs;
        }

        public String title() {
            return title;
        }

        public String description() {
            return description;
        }

        public Needs needs() {
            return needs;
        }
    }

    /**
     * The patient the consent is about.
     *
     * @param reference e.g. {@code Patient/123} (a bare id means {@code Patient/<id>})
     * @param display   a name to show, or null
     */
    public record Patient(String reference, String display) {
        public Patient {
            if (reference == null || reference.isBlank()) {
                throw new IllegalArgumentException("a consent needs the patient's reference (e.g. Patient/123)");
            }
            reference = reference.strip();
            if (!reference.contains("/") && !reference.startsWith("#")) {
                reference = "Patient/" + reference;
            }
            display = display == null || display.isBlank() ? null : display.strip();
        }

        public Patient(String reference) {
            this(reference, null);
        }
    }

    /** A coded value (a Coding): e.g. one of the STU3 value set entries the editor offers. */
    public record Coding(String system, String code, String display) {
        public Coding {
            if (system == null || system.isBlank() || code == null || code.isBlank()) {
                throw new IllegalArgumentException("a code needs its system and code");
            }
            display = display == null || display.isBlank() ? null : display;
        }
    }

    /**
     * What {@link Needs} asks for; the fields a template does not need are ignored.
     *
     * @param actorReference {@link Needs#ACTOR}: e.g. {@code Practitioner/12}
     * @param actorDisplay   {@link Needs#ACTOR}: a name, or null
     * @param actorRole      {@link Needs#ACTOR}: the actor's role, or null for "information recipient" (IRCP)
     * @param code           {@link Needs#DATA_CLASS} and {@link Needs#SECURITY_LABEL}: the class or label
     * @param start          {@link Needs#PERIOD}: first day, or null
     * @param end            {@link Needs#PERIOD}: last day, or null (not both null)
     * @param more           {@link Needs#ACTOR}: further actors of the same rule, in the same role (none: empty)
     */
    public record Parameters(String actorReference, String actorDisplay, Coding actorRole, Coding code,
                             LocalDate start, LocalDate end, List<Actor> more) {
        public Parameters {
            more = more == null ? List.of() : List.copyOf(more);
        }

        public static Parameters none() {
            return new Parameters(null, null, null, null, null, null, null);
        }

        public static Parameters actor(String reference, String display) {
            return new Parameters(reference, display, null, null, null, null, null);
        }

        /** One rule naming all of {@code actors} (at least one), in the default role. */
        public static Parameters actors(List<Actor> actors) {
            if (actors == null || actors.isEmpty()) {
                return none();
            }
            return new Parameters(actors.get(0).reference(), actors.get(0).display(), null, null, null, null,
                    actors.subList(1, actors.size()));
        }

        public static Parameters code(Coding code) {
            return new Parameters(null, null, null, code, null, null, null);
        }

        public static Parameters period(LocalDate start, LocalDate end) {
            return new Parameters(null, null, null, null, start, end, null);
        }

        /** The actors of {@link Needs#ACTOR}: the first, then {@link #more}. */
        public List<Actor> actors() {
            List<Actor> all = new java.util.ArrayList<>();
            if (actorReference != null && !actorReference.isBlank()) {
                all.add(new Actor(actorReference, actorDisplay));
            }
            all.addAll(more);
            return all;
        }
    }

    /** A person or organisation a rule names: a reference ({@code Practitioner/12}) and a name to show, or null. */
    public record Actor(String reference, String display) {
        public Actor {
            if (reference == null || reference.isBlank()) {
                throw new IllegalArgumentException("an actor needs its reference (e.g. Practitioner/12)");
            }
            reference = reference.strip();
        }
    }

    private static final Coding PATIENT_CONSENT = new Coding(LOINC, "59284-0", "Patient Consent");
    private static final Coding RECIPIENT = new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient");

    private final Clock clock;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Templates dated by the system clock. */
    public ConsentTemplates() {
        this(Clock.systemUTC());
    }

    /** Templates dated by {@code clock} (a test fixes it). */
    public ConsentTemplates(Clock clock) {
        this.clock = clock;
    }

    /** The templates in menu order. */
    public List<Kind> kinds() {
        return List.of(Kind.values());
    }

    /**
     * A new Consent from one template.
     *
     * @throws IllegalArgumentException when something the template {@link Kind#needs()} is missing, saying what
     */
    public ObjectNode create(Kind kind, Patient patient, Parameters p) {
        Parameters params = p == null ? Parameters.none() : p;
        return switch (kind) {
            case OPT_IN -> optIn(patient);
            case OPT_OUT -> optOut(patient);
            case SHARE_ALL_EXCEPT_ACTOR -> actorRule(patient, Kind.SHARE_ALL_EXCEPT_ACTOR, POLICY_OPT_IN, "deny",
                    params);
            case SHARE_ONLY_WITH_ACTORS -> actorRule(patient, Kind.SHARE_ONLY_WITH_ACTORS, POLICY_OPT_OUT, "permit",
                    params);
            case SHARE_ALL_EXCEPT_DATA_CLASS -> shareAllExceptDataClass(patient, params.code());
            case SHARE_ALL_EXCEPT_LABEL -> shareAllExceptSecurityLabel(patient, params.code());
            case SHARE_ALL_EXCEPT_PERIOD -> shareAllExceptPeriod(patient, params.start(), params.end());
            case RESEARCH -> research(patient);
            case EMERGENCY_ACCESS -> emergencyAccess(patient);
        };
    }

    public ObjectNode optIn(Patient patient) {
        return base(patient, POLICY_OPT_IN);
    }

    public ObjectNode optOut(Patient patient) {
        return base(patient, POLICY_OPT_OUT);
    }

    /** Opt-in with one rule: deny for {@code actorReference} (role {@code role}, default information recipient). */
    public ObjectNode shareAllExceptActor(Patient patient, String actorReference, String actorDisplay, Coding role) {
        return actorRule(patient, Kind.SHARE_ALL_EXCEPT_ACTOR, POLICY_OPT_IN, "deny", new Parameters(actorReference,
                actorDisplay, role, null, null, null, null));
    }

    /**
     * The policy {@code policyRule} with one rule of {@code type} (deny, permit) naming every actor of {@code p} in
     * one role (default information recipient): any of them is meant.
     */
    private ObjectNode actorRule(Patient patient, Kind kind, String policyRule, String type, Parameters p) {
        List<Actor> actors = p.actors();
        if (actors.isEmpty()) {
            throw new IllegalArgumentException("\"" + kind.title() + "\" needs the reference of whom the rule is "
                    + "about (e.g. Practitioner/12)");
        }
        ObjectNode c = base(patient, policyRule);
        ObjectNode rule = c.putArray("except").addObject();
        rule.put("type", type);
        ArrayNode list = rule.putArray("actor");
        for (Actor a : actors) {
            ObjectNode actor = list.addObject();
            actor.set("role", concept(p.actorRole() == null ? RECIPIENT : p.actorRole()));
            actor.set("reference", reference(a.reference(), a.display()));
        }
        return c;
    }

    /** Opt-in with one rule: deny for data of class {@code dataClass} (a consent-content-class code). */
    public ObjectNode shareAllExceptDataClass(Patient patient, Coding dataClass) {
        if (dataClass == null) {
            throw new IllegalArgumentException("\"" + Kind.SHARE_ALL_EXCEPT_DATA_CLASS.title()
                    + "\" needs the class of data not to share (e.g. a resource type)");
        }
        ObjectNode c = base(patient, POLICY_OPT_IN);
        deny(c).putArray("class").add(coding(dataClass));
        return c;
    }

    /** Opt-in with one rule: deny for data labelled {@code label} (a security-labels code). */
    public ObjectNode shareAllExceptSecurityLabel(Patient patient, Coding label) {
        if (label == null) {
            throw new IllegalArgumentException("\"" + Kind.SHARE_ALL_EXCEPT_LABEL.title()
                    + "\" needs the security label of the data not to share");
        }
        ObjectNode c = base(patient, POLICY_OPT_IN);
        deny(c).putArray("securityLabel").add(coding(label));
        return c;
    }

    /** Opt-in with one rule: deny for data recorded from {@code start} to {@code end} (either may be open). */
    public ObjectNode shareAllExceptPeriod(Patient patient, LocalDate start, LocalDate end) {
        if (start == null && end == null) {
            throw new IllegalArgumentException("\"" + Kind.SHARE_ALL_EXCEPT_PERIOD.title()
                    + "\" needs a start or an end date");
        }
        if (start != null && end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("the period ends (" + end + ") before it starts (" + start + ")");
        }
        ObjectNode c = base(patient, POLICY_OPT_IN);
        ObjectNode period = deny(c).putObject("dataPeriod");
        if (start != null) {
            period.put("start", start.toString());
        }
        if (end != null) {
            period.put("end", end.toString());
        }
        return c;
    }

    /** Opt-in to the use of the data for research: category RESEARCH, purpose HRESCH, action use. */
    public ObjectNode research(Patient patient) {
        ObjectNode c = base(patient, POLICY_OPT_IN);
        ((ArrayNode) c.get("category")).add(concept(new Coding(CONSENT_CATEGORY_CODES, "RESEARCH",
                "research information access")));
        c.putArray("action").add(concept(new Coding(CONSENT_ACTION, "use", "Use")));
        c.putArray("purpose").add(coding(new Coding(ACT_REASON, "HRESCH", "healthcare research")));
        return c;
    }

    /** Opt-out, except for emergency treatment: category EMRGONLY, one permit rule with purpose ETREAT. */
    public ObjectNode emergencyAccess(Patient patient) {
        ObjectNode c = base(patient, POLICY_OPT_OUT);
        ((ArrayNode) c.get("category")).add(concept(new Coding(CONSENT_CATEGORY_CODES, "EMRGONLY",
                "emergency only")));
        ObjectNode permit = c.putArray("except").addObject();
        permit.put("type", "permit");
        permit.putArray("purpose").add(coding(new Coding(ACT_REASON, "ETREAT", "Emergency Treatment")));
        return c;
    }

    /** Pretty JSON text of a template's Consent. */
    public String toJson(ObjectNode consent) {
        try {
            return mapper.writeValueAsString(consent);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of plain nodes always writes
        }
    }

    private ObjectNode base(Patient patient, String policyRule) {
        if (patient == null) {
            throw new IllegalArgumentException("a consent needs the patient's reference (e.g. Patient/123)");
        }
        ObjectNode c = nodes.objectNode();
        c.put("resourceType", "Consent");
        c.put("status", "draft");
        c.putArray("category").add(concept(PATIENT_CONSENT));
        c.set("patient", reference(patient.reference(), patient.display()));
        c.put("dateTime", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        c.put("policyRule", policyRule);
        return c;
    }

    private static ObjectNode deny(ObjectNode consent) {
        ObjectNode rule = consent.putArray("except").addObject();
        rule.put("type", "deny");
        return rule;
    }

    private ObjectNode reference(String reference, String display) {
        ObjectNode r = nodes.objectNode();
        r.put("reference", reference);
        if (display != null && !display.isBlank()) {
            r.put("display", display.strip());
        }
        return r;
    }

    private ObjectNode concept(Coding coding) {
        ObjectNode cc = nodes.objectNode();
        cc.putArray("coding").add(coding(coding));
        return cc;
    }

    private ObjectNode coding(Coding coding) {
        ObjectNode c = nodes.objectNode();
        c.put("system", coding.system());
        c.put("code", coding.code());
        if (coding.display() != null) {
            c.put("display", coding.display());
        }
        return c;
    }
}
