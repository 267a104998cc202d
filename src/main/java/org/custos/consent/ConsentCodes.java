package org.custos.consent;

import java.util.List;

/**
 * Where the editor gets the codes it offers: the STU3 value sets, by their canonical URL (the composition root
 * passes the ones loaded from the FHIR specification). Other codes can still be typed in.
 */
@FunctionalInterface
public interface ConsentCodes {
    String CATEGORY = "http://hl7.org/fhir/ValueSet/consent-category";
    String ACTION = "http://hl7.org/fhir/ValueSet/consent-action";
    String ACTOR_ROLE = "http://hl7.org/fhir/ValueSet/security-role-type";
    String SECURITY_LABEL = "http://hl7.org/fhir/ValueSet/security-labels";
    String PURPOSE = "http://hl7.org/fhir/ValueSet/v3-PurposeOfUse";
    String CONTENT_CLASS = "http://hl7.org/fhir/ValueSet/consent-content-class";

    /** One code a list offers. */
    record Choice(String system, String code, String display) {
        @Override
        public String toString() {
            return display == null || display.isBlank() ? code : code + " — " + display;
        }
    }

    /** The codes of one value set (empty when it is not known). */
    List<Choice> codes(String valueSet);

    /** No value sets: every coded field is typed in. */
    ConsentCodes NONE = vs -> List.of();
}
