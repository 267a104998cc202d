package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The guided consent's choices (issue 15), in a patient's words, on top of the consent editor's model: each choice is
 * one of {@link ConsentTemplates}' templates (the expert editor's menu), filled with the people the patient picked;
 * what it means is told in plain sentences, and what it leads to is asked of {@link ConsentDecision} — the same
 * decisions the staff screens show — for a few plain situations ("Dr X could not see your mental health notes").
 * No FHIR word reaches the patient from here.
 */
public final class GuidedConsent {
    private static final String ACT_REASON = ConsentTemplates.ACT_REASON;
    private static final String ROLE = ConsentTemplates.PARTICIPATION_TYPE + "|IRCP";
    /** Someone the patient did not name: no reference of any directory. */
    static final String SOMEONE_ELSE = "Practitioner/someone-not-named";

    /** What the patient wants. */
    public enum Choice {
        CARE_TEAM("Share with my care team", "Only the people and organisations you choose may see your record.",
                ConsentTemplates.Kind.SHARE_ONLY_WITH_ACTORS),
        ALL_EXCEPT("Share with everyone caring for me, except …", "Everyone who cares for you may see your record, "
                + "except the people or organisations you choose.", ConsentTemplates.Kind.SHARE_ALL_EXCEPT_ACTOR),
        RESEARCH("Let my record be used for research", "Your record may be used for health research.",
                ConsentTemplates.Kind.RESEARCH),
        EMERGENCY_ONLY("Only in an emergency", "No one may see your record, except to treat you in an emergency.",
                ConsentTemplates.Kind.EMERGENCY_ACCESS);

        private final String title;
        private final String description;
        private final ConsentTemplates.Kind kind;

        Choice(String title, String description, ConsentTemplates.Kind kind) {
            this.title = title;
            this.description = description;
            this.kind = kind;
        }

        public String title() {
            return title;
        }

        public String description() {
            return description;
        }

        /** The template of the expert editor this choice fills. */
        public ConsentTemplates.Kind kind() {
            return kind;
        }

        /** Whether the patient picks people or organisations for it. */
        public boolean needsPeople() {
            return kind.needs() == ConsentTemplates.Needs.ACTOR;
        }
    }

    /** Someone the patient picked: a reference of the directory, a name and (maybe) what they are, e.g. "Doctor". */
    public record Person(String reference, String name, String detail) {
        public Person {
            if (reference == null || reference.isBlank()) {
                throw new IllegalArgumentException("a person needs a reference");
            }
            name = name == null || name.isBlank() ? null : name.strip();
            detail = detail == null || detail.isBlank() ? null : detail.strip();
        }

        /** The name, or "someone in the directory" when there is none (never the reference). */
        public String shown() {
            return name != null ? name : reference.startsWith("Organization/") ? "an organisation" : "someone";
        }

        /** The name with what they are: "Dr Aoife Jansen (Doctor, Good Health Clinic)". */
        public String described() {
            return detail == null ? shown() : shown() + " (" + detail + ")";
        }
    }

    private final ConsentTemplates templates;

    public GuidedConsent(ConsentTemplates templates) {
        this.templates = templates;
    }

    /**
     * The Consent of a choice: the template of {@link Choice#kind()}, for the patient, naming the people picked (in
     * one rule), status draft as every template. Saving makes it active.
     *
     * @throws IllegalArgumentException a choice that needs people has none
     */
    public ObjectNode consent(Choice choice, ConsentTemplates.Patient patient, List<Person> people) {
        ConsentTemplates.Parameters p = choice.needsPeople()
                ? ConsentTemplates.Parameters.actors(people.stream()
                .map(x -> new ConsentTemplates.Actor(x.reference(), x.name())).toList())
                : ConsentTemplates.Parameters.none();
        if (choice.needsPeople() && people.isEmpty()) {
            throw new IllegalArgumentException("Choose at least one person or organisation first.");
        }
        return templates.create(choice.kind(), patient, p);
    }

    /** What the choice means, in plain sentences. */
    public List<String> summary(Choice choice, List<Person> people) {
        String names = people.stream().map(Person::described).collect(Collectors.joining(", "));
        // an organisation named is that organisation: its staff are people of their own, named or not
        String organisations = people.stream().anyMatch(p -> p.reference().startsWith("Organization/"))
                ? " An organisation counts as itself, not its staff one by one: name the people too." : "";
        return switch (choice) {
            case CARE_TEAM -> List.of("Only these may see your record: " + names + ".",
                    "No one else may see it, unless another of your consents or the law allows it." + organisations);
            case ALL_EXCEPT -> List.of("Everyone who cares for you may see your record, except: " + names + ".",
                    (people.size() == 1 ? names + " may" : "They may") + " not see any of it." + organisations);
            case RESEARCH -> List.of("Your record may be used for health research.",
                    "This does not change who may see your record for your care.");
            case EMERGENCY_ONLY -> List.of("No one may see your record, except to treat you in an emergency.",
                    "An emergency access is recorded, and you can see it under \"Who looked at my record\".");
        };
    }

    /** A plain situation and what the consent decides for it. */
    public record Decision(String text, ConsentDecision.Outcome outcome) {
    }

    /**
     * What the consent leads to, asked of the decision engine as if it were in force, for plain situations: each
     * person picked seeing the record and the mental health notes, for the patient's care, and someone not named;
     * using the record for research; staff in an emergency and for usual care.
     */
    public List<Decision> decisions(JsonNode consent, Choice choice, List<Person> people) {
        ObjectNode inForce = consent.deepCopy();
        inForce.put("status", "active");
        ConsentDecision d = ConsentDecision.compile(inForce);
        List<Decision> out = new ArrayList<>();
        DecisionRequest care = DecisionRequest.of(ConsentTemplates.CONSENT_ACTION + "|access")
                .purpose(ACT_REASON + "|TREAT");
        switch (choice) {
            case CARE_TEAM, ALL_EXCEPT -> {
                for (Person p : people) {
                    DecisionRequest asked = care.actor(p.reference(), ROLE);
                    out.add(say(d, asked.labelled(), p.shown(), false, "see your record"));
                    out.add(say(d, asked.labelled("http://hl7.org/fhir/v3/ActCode|PSY"), p.shown(), false,
                            "see your mental health notes"));
                }
                out.add(say(d, care.actor(SOMEONE_ELSE, ROLE).labelled(), "Someone you did not name", true,
                        "see your record"));
            }
            case RESEARCH -> {
                out.add(say(d, DecisionRequest.of(ConsentTemplates.CONSENT_ACTION + "|use")
                        .purpose(ACT_REASON + "|HRESCH").labelled(), "Researchers", true,
                        "use your record for research"));
                out.add(say(d, care.actor(SOMEONE_ELSE, ROLE).labelled(), "Staff caring for you", true,
                        "see your record"));
            }
            case EMERGENCY_ONLY -> {
                out.add(say(d, DecisionRequest.of(ConsentTemplates.CONSENT_ACTION + "|access")
                        .purpose(ACT_REASON + "|ETREAT").actor(SOMEONE_ELSE, ROLE).labelled(),
                        "Staff treating you in an emergency", true, "see your record"));
                out.add(say(d, care.actor(SOMEONE_ELSE, ROLE).labelled(), "Staff caring for you at other times",
                        true, "see your record"));
            }
        }
        return out;
    }

    /** {@code phrase}: {@code who} is one of the fixed phrases ("Someone you did not name"), not a name. */
    private static Decision say(ConsentDecision d, DecisionRequest r, String who, boolean phrase, String what) {
        ConsentDecision.Outcome o = d.outcome(r);
        String inside = phrase ? Character.toLowerCase(who.charAt(0)) + who.substring(1) : who;
        String text = switch (o) {
            case PERMIT -> who + " could " + what + ".";
            case DENY -> who + " could not " + what + ".";
            case NOT_APPLICABLE -> "This consent does not decide whether " + inside + " could " + what
                    + ": your other consents and your care provider's rules do.";
            case UNDECIDABLE -> "It cannot be said whether " + inside + " could " + what + ".";
        };
        return new Decision(text, o);
    }

    /**
     * A consent already made, in plain words: which choice it is, when it is one of them (the people it names, by the
     * names it gives), or else what it does in general. For "My consents".
     */
    public String describe(JsonNode consent) {
        JsonNode rules = consent.path("except");
        String policy = consent.path("policyRule").asText("");
        boolean optIn = policy.endsWith("opt-in");
        boolean optOut = policy.endsWith("opt-out");
        if (hasCategory(consent, "RESEARCH")) {
            return Choice.RESEARCH.description();
        }
        if (hasCategory(consent, "EMRGONLY") || optOut && rules.size() == 1
                && rules.get(0).path("purpose").toString().contains("ETREAT")) {
            return Choice.EMERGENCY_ONLY.description();
        }
        if (rules.size() == 1 && rules.get(0).path("actor").size() > 0 && onlyActors(rules.get(0))) {
            String names = names(rules.get(0).path("actor"));
            if (optOut && "permit".equals(rules.get(0).path("type").asText())) {
                return "Only these may see your record: " + names + ".";
            }
            if (optIn && "deny".equals(rules.get(0).path("type").asText())) {
                return "Everyone who cares for you may see your record, except: " + names + ".";
            }
        }
        String base = optIn ? "Your record may be shared" : optOut ? "Your record is not shared"
                : "A consent recorded by your care provider";
        return rules.isEmpty() ? base + "." : base + ", with " + (rules.size() == 1 ? "one exception"
                : rules.size() + " exceptions") + ". Ask your care provider to explain it.";
    }

    /** "In force", "Withdrawn", … for a consent's status. */
    public static String statusWords(String status) {
        return switch (status == null ? "" : status) {
            case "active" -> "In force";
            case "draft" -> "Not in force yet";
            case "proposed" -> "Proposed, not in force yet";
            case "inactive" -> "Withdrawn";
            case "rejected" -> "Refused";
            case "entered-in-error" -> "Recorded by mistake";
            default -> "Unknown state";
        };
    }

    private static boolean onlyActors(JsonNode rule) {
        for (var it = rule.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("type") && !f.equals("actor")) {
                return false;
            }
        }
        return true;
    }

    private static String names(JsonNode actors) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : actors) {
            String display = a.path("reference").path("display").asText("");
            String ref = a.path("reference").path("reference").asText("");
            out.add(!display.isBlank() ? display : ref.startsWith("Organization/") ? "an organisation" : "someone");
        }
        return String.join(", ", out);
    }

    private static boolean hasCategory(JsonNode consent, String code) {
        for (JsonNode c : consent.path("category")) {
            for (JsonNode coding : c.path("coding")) {
                if (code.equals(coding.path("code").asText())) {
                    return true;
                }
            }
        }
        return false;
    }
}
