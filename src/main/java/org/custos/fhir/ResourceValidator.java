package org.custos.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates one FHIR STU3 resource (JSON or XML text) against the base STU3 profiles with HAPI's instance validator
 * and the definitions of {@code hapi-fhir-validation-resources-dstu3}: structure, cardinality, data types, the
 * resource's invariants (e.g. Consent's ppc-1, "either a policy or a policyRule") and the required and extensible
 * bindings to the STU3 value sets. Nothing is fetched from the network.
 *
 * <p>What counts as invalid: a problem of severity {@link ValidationProblem.Severity#ERROR} (HAPI's FATAL is
 * reported as ERROR). Warnings and information never make a resource invalid; among them are a code from a code
 * system the validator does not hold (LOINC, SNOMED CT, a national OID: "can't be validated"), a coding outside an
 * extensible value set, an extension it has no definition of, and a profile named in {@code meta.profile} that it
 * does not hold (the resource is still checked against the base profile; such a profile is reported as a warning,
 * not an error).
 *
 * <p>Text that is neither JSON nor XML, or not well-formed, gives one ERROR naming the parse failure with its line
 * and column; it never throws. XML with a DOCTYPE is refused (no entity expansion).
 *
 * <p>Building is cheap (~0.3 s); the first validation loads the structure definitions and value sets (several
 * seconds, see {@link #warmUp()}). Build one per application (the composition root or the command owns it) and use
 * it from any thread: after the first validation, which is done under a lock, validations run concurrently.
 */
public final class ResourceValidator {
    private static final String MINIMAL_CONSENT = "{\"resourceType\":\"Consent\",\"status\":\"draft\","
            + "\"patient\":{\"reference\":\"Patient/warm-up\"},\"policyRule\":\"http://hl7.org/fhir/ConsentPolicy/opt-in\"}";
    private static final String PASS_THROUGH = "Terminology_PassThrough_TX_Message";
    private static final String PROFILE_UNKNOWN = "Validation_VAL_Profile_Unknown";

    private final DefaultProfileValidationSupport definitions;
    private final FhirValidator validator;
    private final CodedValues codedValues;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final XMLInputFactory xml;
    private volatile boolean warm;

    public ResourceValidator(Fhir fhir) {
        FhirContext context = fhir.context();
        definitions = new DefaultProfileValidationSupport(context);
        ValidationSupportChain chain = new ValidationSupportChain(
                definitions,
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator instance = new FhirInstanceValidator(chain);
        // a profile we do not hold (e.g. a national one) is not a fault of the resource: it is checked against the
        // base profile and the unknown profile is reported as a warning
        instance.setErrorForUnknownProfiles(false);
        validator = context.newValidator();
        validator.setValidateAgainstStandardSchema(false);
        validator.setValidateAgainstStandardSchematron(false);
        validator.registerValidatorModule(instance);
        codedValues = new CodedValues(definitions);
        xml = XMLInputFactory.newFactory();
        xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        xml.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    }

    /** The STU3 value sets, read from the same definitions as this validator uses. */
    public CodedValues codedValues() {
        return codedValues;
    }

    /** Loads the structure definitions and value sets now (several seconds the first time): call it off the FX thread. */
    public void warmUp() {
        if (warm) {
            return;
        }
        // HAPI loads its definitions lazily and without a lock: load them under one (CodedValues takes the same)
        synchronized (definitions) {
            if (!warm) {
                validator.validateWithResult(MINIMAL_CONSENT);
                warm = true;
            }
        }
    }

    /** True when none of {@code problems} is an error. */
    public static boolean isValid(List<ValidationProblem> problems) {
        return problems.stream().noneMatch(ValidationProblem::isError);
    }

    /** Validates any STU3 resource. Never throws for bad input: what is wrong comes back as problems. */
    public List<ValidationProblem> validate(String text) {
        return validate(text, null);
    }

    /**
     * Validates a resource that must be of {@code expectedType} (e.g. {@code "Consent"}): another type gives one
     * ERROR saying what it is instead.
     */
    public List<ValidationProblem> validate(String text, String expectedType) {
        if (text != null && text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark
        }
        if (text == null || text.isBlank()) {
            return List.of(error("", "empty: no FHIR resource", null, null));
        }
        Read read = read(text);
        if (read.problem() != null) {
            return List.of(read.problem());
        }
        if (expectedType != null && !expectedType.equals(read.resourceType())) {
            return List.of(error(read.resourceType(), "this is a " + read.resourceType() + ", not a " + expectedType,
                    null, null));
        }
        ValidationResult result;
        try {
            warmUp();
            result = validator.validateWithResult(text);
        } catch (RuntimeException e) {
            return List.of(error(read.resourceType(), "could not be validated: " + Fhir.cleanMessage(e), null, null));
        }
        return tidy(result.getMessages(), read.resourceType());
    }

    /** The text read for its format and resource type, or the one problem that stops it being read. */
    private record Read(String resourceType, ValidationProblem problem) {
    }

    private Read read(String text) {
        char first = text.strip().charAt(0);
        if (first == '{' || first == '[') {
            return readJson(text);
        }
        if (first == '<') {
            return readXml(text);
        }
        return new Read(null, error("", "neither JSON nor XML (it starts with '" + printable(first) + "')", null,
                null));
    }

    private Read readJson(String text) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            return new Read(null, error("", "not valid JSON: " + e.getOriginalMessage(),
                    at == null ? null : at.getLineNr(), at == null ? null : at.getColumnNr()));
        }
        if (!root.isObject()) {
            return new Read(null, error("", "not a FHIR resource: the JSON is not an object", 1, 1));
        }
        JsonNode type = root.get("resourceType");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            return new Read(null, error("", "not a FHIR resource: the JSON object has no \"resourceType\"", 1, 1));
        }
        return new Read(type.asText(), null);
    }

    private Read readXml(String text) {
        String root = null;
        try {
            XMLStreamReader r = xml.createXMLStreamReader(new StringReader(text));
            try {
                while (r.hasNext()) {
                    int event = r.next();
                    if (event == XMLStreamConstants.DTD) {
                        return new Read(null, error("", "XML with a DOCTYPE is not accepted",
                                r.getLocation().getLineNumber(), r.getLocation().getColumnNumber()));
                    }
                    if (event == XMLStreamConstants.START_ELEMENT && root == null) {
                        root = r.getLocalName();
                        if (!"http://hl7.org/fhir".equals(r.getNamespaceURI())) {
                            return new Read(null, error("", "not a FHIR resource: the root element <" + root
                                    + "> is not in the FHIR namespace http://hl7.org/fhir",
                                    r.getLocation().getLineNumber(), r.getLocation().getColumnNumber()));
                        }
                    }
                }
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            var at = e.getLocation();
            String m = String.valueOf(e.getMessage());
            // StAX puts "ParseError at [row,col]:[..]\nMessage: ..." in front: keep the message
            int cut = m.indexOf("Message: ");
            m = cut >= 0 ? m.substring(cut + 9) : m;
            // Woodstox appends "\n at [row,col {unknown-source}]: [1,64]": the position is given separately
            int at2 = m.indexOf("\n at [row,col");
            m = at2 >= 0 ? m.substring(0, at2) : m;
            return new Read(null, error("", "not well-formed XML: " + m.trim(),
                    at == null ? null : at.getLineNumber(), at == null ? null : at.getColumnNumber()));
        }
        if (root == null) {
            return new Read(null, error("", "not a FHIR resource: the XML has no root element", null, null));
        }
        return new Read(root, null);
    }

    private static List<ValidationProblem> tidy(List<SingleValidationMessage> messages, String resourceType) {
        List<ValidationProblem> all = new ArrayList<>();
        for (SingleValidationMessage m : messages) {
            String location = m.getLocationString() == null || m.getLocationString().isBlank()
                    || m.getLocationString().equals("null") ? resourceType : m.getLocationString();
            ValidationProblem.Severity severity = severity(m.getSeverity());
            if (PROFILE_UNKNOWN.equals(m.getMessageId()) && severity == ValidationProblem.Severity.ERROR) {
                // a profile in meta.profile we do not hold: the base profile was checked, this one could not be
                severity = ValidationProblem.Severity.WARNING;
            }
            all.add(new ValidationProblem(severity, location, m.getMessage(), positive(m.getLocationLine()),
                    positive(m.getLocationCol()), m.getMessageId()));
        }
        Set<ValidationProblem> out = new LinkedHashSet<>();
        for (ValidationProblem p : all) {
            // a wrong code is reported twice at one place ("Unknown code ..." and "... not found in the value set"):
            // keep the one that names the value set
            boolean repeated = PASS_THROUGH.equals(p.messageId()) && all.stream().anyMatch(o -> o != p
                    && !PASS_THROUGH.equals(o.messageId()) && o.location().equals(p.location())
                    && o.severity().compareTo(p.severity()) <= 0);
            // an unknown profile is reported at meta.profile and again, without a place, for the resource
            repeated |= PROFILE_UNKNOWN.equals(p.messageId()) && p.line() == null && all.stream().anyMatch(o ->
                    o != p && PROFILE_UNKNOWN.equals(o.messageId()) && o.line() != null);
            if (!repeated) {
                out.add(p);
            }
        }
        List<ValidationProblem> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparing(ValidationProblem::severity)
                .thenComparing(p -> p.line() == null ? Integer.MAX_VALUE : p.line())
                .thenComparing(p -> p.column() == null ? Integer.MAX_VALUE : p.column()));
        return List.copyOf(sorted);
    }

    private static ValidationProblem.Severity severity(ResultSeverityEnum s) {
        if (s == null) {
            return ValidationProblem.Severity.ERROR;
        }
        return switch (s) {
            case FATAL, ERROR -> ValidationProblem.Severity.ERROR;
            case WARNING -> ValidationProblem.Severity.WARNING;
            case INFORMATION -> ValidationProblem.Severity.INFORMATION;
        };
    }

    private static Integer positive(Integer n) {
        return n == null || n < 1 ? null : n;
    }

    private static ValidationProblem error(String location, String message, Integer line, Integer column) {
        return new ValidationProblem(ValidationProblem.Severity.ERROR, location, message, positive(line),
                positive(column), null);
    }

    private static String printable(char c) {
        return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
