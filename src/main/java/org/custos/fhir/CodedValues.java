package org.custos.fhir;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.hl7.fhir.dstu3.model.BooleanType;
import org.hl7.fhir.dstu3.model.CodeSystem;
import org.hl7.fhir.dstu3.model.UriType;
import org.hl7.fhir.dstu3.model.ValueSet;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The STU3 value sets a Consent editor offers, expanded from the definitions HAPI ships
 * ({@code hapi-fhir-validation-resources-dstu3}): nothing here is typed by hand. Returns plain {@link Code} records in
 * the order of the definitions.
 *
 * <p>Expansion: a value set's {@code compose} is followed: listed concepts as listed; a whole code system as all its
 * concepts (depth first); an {@code is-a} / {@code descendent-of} filter on {@code concept} as that part of the
 * hierarchy; included value sets recursively; {@code exclude} removes. Concepts a code system marks
 * {@code notSelectable}, and v3's abstract "_..." groupings, are left out unless listed by name. A code system that is
 * not shipped (LOINC, SNOMED CT) contributes only the concepts a value set lists by name; a display missing from
 * the value set is taken from the code system, else it is the code itself.
 *
 * <p>Thread-safe; each value set is expanded once per instance.
 */
public final class CodedValues {
    public static final String CONSENT_CATEGORY = "http://hl7.org/fhir/ValueSet/consent-category";
    public static final String CONSENT_ACTION = "http://hl7.org/fhir/ValueSet/consent-action";
    public static final String CONSENT_EXCEPT_TYPE = "http://hl7.org/fhir/ValueSet/consent-except-type";
    public static final String CONSENT_DATA_MEANING = "http://hl7.org/fhir/ValueSet/consent-data-meaning";
    public static final String CONSENT_STATE = "http://hl7.org/fhir/ValueSet/consent-state-codes";
    public static final String CONSENT_CONTENT_CLASS = "http://hl7.org/fhir/ValueSet/consent-content-class";
    public static final String SECURITY_LABELS = "http://hl7.org/fhir/ValueSet/security-labels";
    public static final String PURPOSE_OF_USE = "http://hl7.org/fhir/ValueSet/v3-PurposeOfUse";
    /** What STU3 binds Consent.actor.role and Consent.except.actor.role to (extensible). */
    public static final String SECURITY_ROLE_TYPE = "http://hl7.org/fhir/ValueSet/security-role-type";

    /**
     * One coded value: {@code system} and {@code code} as a Coding carries them, {@code display} for people (never
     * null: the code when the definitions give no display).
     */
    public record Code(String system, String code, String display) {
        public Code {
            if (system == null || code == null) {
                throw new IllegalArgumentException("a code needs its system and code");
            }
            display = display == null || display.isBlank() ? code : display.trim();
        }
    }

    private final IValidationSupport definitions;
    private final Map<String, List<Code>> expanded = new ConcurrentHashMap<>();

    /** Reads the definitions of its own (about a second the first time a value set is asked for). */
    public CodedValues(Fhir fhir) {
        this(new DefaultProfileValidationSupport(fhir.context()));
    }

    /** Shares the definitions {@link ResourceValidator} loaded. */
    CodedValues(IValidationSupport definitions) {
        this.definitions = definitions;
    }

    /** Consent.category (example binding): consent category codes, v3 ActConsentType and four LOINC codes. */
    public List<Code> consentCategories() {
        return expand(CONSENT_CATEGORY);
    }

    /** Consent.action and except.action: collect, access, use, disclose, correct. */
    public List<Code> consentActions() {
        return expand(CONSENT_ACTION);
    }

    /** Consent.except.type (required): deny, permit. */
    public List<Code> exceptTypes() {
        return expand(CONSENT_EXCEPT_TYPE);
    }

    /** Consent.data.meaning and except.data.meaning (required): instance, related, dependents, authoredby. */
    public List<Code> dataMeanings() {
        return expand(CONSENT_DATA_MEANING);
    }

    /** Consent.status (required): draft, proposed, active, rejected, inactive, entered-in-error. */
    public List<Code> consentStates() {
        return expand(CONSENT_STATE);
    }

    /** Consent.except.class (extensible): resource types, IHE format codes, a profile and a MIME type. */
    public List<Code> contentClasses() {
        return expand(CONSENT_CONTENT_CLASS);
    }

    /** Consent.securityLabel and except.securityLabel (extensible): confidentiality, sensitivity, policies, … */
    public List<Code> securityLabels() {
        return expand(SECURITY_LABELS);
    }

    /** Consent.purpose and except.purpose (extensible): v3 PurposeOfUse, e.g. TREAT, ETREAT, HRESCH. */
    public List<Code> purposesOfUse() {
        return expand(PURPOSE_OF_USE);
    }

    /** Consent.actor.role and except.actor.role (extensible): the security role types. */
    public List<Code> actorRoles() {
        return expand(SECURITY_ROLE_TYPE);
    }

    /**
     * Any STU3 value set by its canonical URL.
     *
     * @throws IllegalArgumentException when the definitions hold no such value set
     */
    public List<Code> expand(String valueSetUrl) {
        List<Code> known = expanded.get(valueSetUrl);
        if (known != null) {
            return known;
        }
        // HAPI loads its definitions lazily and without a lock: ResourceValidator takes the same one
        synchronized (definitions) {
            return expanded.computeIfAbsent(valueSetUrl, url -> List.copyOf(expand(url, new LinkedHashSet<>())
                    .values()));
        }
    }

    private Map<String, Code> expand(String url, Set<String> visiting) {
        ValueSet vs = valueSet(url);
        if (vs == null) {
            throw new IllegalArgumentException("no such STU3 value set: " + url);
        }
        if (!visiting.add(url)) {
            return Map.of(); // a value set that includes itself: already being expanded
        }
        Map<String, Code> out = new LinkedHashMap<>();
        if (vs.hasCompose()) {
            for (ValueSet.ConceptSetComponent inc : vs.getCompose().getInclude()) {
                for (Code c : include(inc, visiting)) {
                    out.putIfAbsent(key(c), c);
                }
            }
            for (ValueSet.ConceptSetComponent exc : vs.getCompose().getExclude()) {
                for (Code c : include(exc, visiting)) {
                    out.remove(key(c));
                }
            }
        } else if (vs.hasExpansion()) {
            contains(vs.getExpansion().getContains(), out);
        }
        visiting.remove(url);
        return out;
    }

    private static void contains(List<ValueSet.ValueSetExpansionContainsComponent> list, Map<String, Code> out) {
        for (ValueSet.ValueSetExpansionContainsComponent c : list) {
            if (c.hasSystem() && c.hasCode() && !c.getAbstract()) {
                Code code = new Code(c.getSystem(), c.getCode(), c.getDisplay());
                out.putIfAbsent(key(code), code);
            }
            contains(c.getContains(), out);
        }
    }

    private List<Code> include(ValueSet.ConceptSetComponent inc, Set<String> visiting) {
        List<Code> fromSystem = null;
        if (inc.hasSystem()) {
            String system = inc.getSystem();
            CodeSystem cs = codeSystem(system);
            fromSystem = new ArrayList<>();
            if (inc.hasConcept()) {
                for (ValueSet.ConceptReferenceComponent c : inc.getConcept()) {
                    String display = c.hasDisplay() ? c.getDisplay() : displayOf(cs, c.getCode());
                    fromSystem.add(new Code(system, c.getCode(), display));
                }
            } else if (cs != null) {
                List<CodeSystem.ConceptDefinitionComponent> roots = cs.getConcept();
                for (ValueSet.ConceptSetFilterComponent f : inc.getFilter()) {
                    roots = filter(roots, f);
                }
                for (CodeSystem.ConceptDefinitionComponent c : roots) {
                    walk(system, c, fromSystem);
                }
            }
        }
        List<Code> fromValueSets = null;
        for (UriType vsUrl : inc.getValueSet()) {
            Map<String, Code> codes = expand(vsUrl.getValue(), visiting);
            if (fromValueSets == null) {
                fromValueSets = new ArrayList<>(codes.values());
            } else {
                fromValueSets.removeIf(c -> !codes.containsKey(key(c)));
            }
        }
        if (fromSystem == null) {
            return fromValueSets == null ? List.of() : fromValueSets;
        }
        if (fromValueSets != null) {
            Set<String> keys = new LinkedHashSet<>(fromValueSets.stream().map(CodedValues::key).toList());
            fromSystem.removeIf(c -> !keys.contains(key(c)));
        }
        return fromSystem;
    }

    /**
     * The concepts a filter keeps, as roots of the subtrees to walk: {@code concept is-a X} is X with its
     * descendants, {@code descendent-of X} its descendants only. Other filters are not understood and keep nothing.
     */
    private static List<CodeSystem.ConceptDefinitionComponent> filter(List<CodeSystem.ConceptDefinitionComponent> roots,
                                                                      ValueSet.ConceptSetFilterComponent f) {
        if (!"concept".equals(f.getProperty()) || f.getOp() == null) {
            return List.of();
        }
        CodeSystem.ConceptDefinitionComponent found = find(roots, f.getValue());
        if (found == null) {
            return List.of();
        }
        return switch (f.getOp()) {
            case ISA -> List.of(found);
            case DESCENDENTOF -> found.getConcept();
            default -> List.of();
        };
    }

    private static CodeSystem.ConceptDefinitionComponent find(List<CodeSystem.ConceptDefinitionComponent> concepts,
                                                              String code) {
        for (CodeSystem.ConceptDefinitionComponent c : concepts) {
            if (c.getCode().equals(code)) {
                return c;
            }
            CodeSystem.ConceptDefinitionComponent inner = find(c.getConcept(), code);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private static void walk(String system, CodeSystem.ConceptDefinitionComponent c, List<Code> out) {
        if (!notSelectable(system, c)) {
            out.add(new Code(system, c.getCode(), c.getDisplay()));
        }
        for (CodeSystem.ConceptDefinitionComponent child : c.getConcept()) {
            walk(system, child, out);
        }
    }

    private static boolean notSelectable(String system, CodeSystem.ConceptDefinitionComponent c) {
        if (system.startsWith("http://hl7.org/fhir/v3/") && c.getCode().startsWith("_")) {
            return true; // v3's abstract groupings, even where the code system does not mark them
        }
        for (CodeSystem.ConceptPropertyComponent p : c.getProperty()) {
            if (("notSelectable".equals(p.getCode()) || "abstract".equals(p.getCode()))
                    && p.getValue() instanceof BooleanType b && b.booleanValue()) {
                return true;
            }
        }
        return false;
    }

    private static String displayOf(CodeSystem cs, String code) {
        if (cs == null) {
            return null;
        }
        CodeSystem.ConceptDefinitionComponent c = find(cs.getConcept(), code);
        return c == null ? null : c.getDisplay();
    }

    private ValueSet valueSet(String url) {
        IBaseResource r = definitions.fetchValueSet(url);
        return r instanceof ValueSet vs ? vs : null;
    }

    private CodeSystem codeSystem(String system) {
        IBaseResource r = definitions.fetchCodeSystem(system);
        return r instanceof CodeSystem cs ? cs : null;
    }

    private static String key(Code c) {
        return c.system() + "|" + c.code();
    }
}
