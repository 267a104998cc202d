package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.LocalDate;
import java.util.List;

/**
 * The "New consent" menu: every {@link ConsentTemplates.Kind}, made for the patient chosen in the list. What a template
 * needs besides the patient (the actor, data class, label or period of a "share all except" rule) is left empty in
 * the rule for the user to fill in the editor, where the validator points at it until it is; so is the patient when
 * none was chosen.
 */
public final class TemplateMenu {
    private static final String BLANK = "Blank/blank";

    private TemplateMenu() {
    }

    public static List<ConsentListViewModel.Template> of(ConsentTemplates templates) {
        return templates.kinds().stream().map(k -> new ConsentListViewModel.Template(k.title(), k.description(),
                (ref, display) -> make(templates, k, ref, display))).toList();
    }

    static String make(ConsentTemplates templates, ConsentTemplates.Kind kind, String patientRef, String display) {
        boolean noPatient = patientRef == null || patientRef.isBlank();
        ConsentTemplates.Patient patient = new ConsentTemplates.Patient(noPatient ? BLANK : patientRef, display);
        ConsentTemplates.Coding blankCode = new ConsentTemplates.Coding("urn:blank", "blank", null);
        ConsentTemplates.Parameters p = switch (kind.needs()) {
            case NOTHING -> ConsentTemplates.Parameters.none();
            case ACTOR -> ConsentTemplates.Parameters.actor(BLANK, null);
            case DATA_CLASS, SECURITY_LABEL -> ConsentTemplates.Parameters.code(blankCode);
            case PERIOD -> ConsentTemplates.Parameters.period(LocalDate.of(2000, 1, 1), null);
        };
        ObjectNode c = templates.create(kind, patient, p);
        if (noPatient) {
            c.putObject("patient");
        }
        for (JsonNode rule : c.path("except")) {
            ObjectNode r = (ObjectNode) rule;
            switch (kind.needs()) {
                case ACTOR -> ((ObjectNode) r.path("actor").get(0)).putObject("reference");
                case DATA_CLASS -> r.putArray("class").addObject();
                case SECURITY_LABEL -> r.putArray("securityLabel").addObject();
                case PERIOD -> r.putObject("dataPeriod");
                default -> {
                }
            }
        }
        return templates.toJson(c);
    }
}
