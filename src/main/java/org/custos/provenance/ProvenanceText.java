package org.custos.provenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.ProvenanceStore;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The detail's lines of a Provenance (label, value, the reference to open) and its JSON, indented. */
final class ProvenanceText {
    /** "Name (Type/id)" or "Type/id[/_history/v]": the reference to open. */
    private static final Pattern REF = Pattern.compile("(?:.*\\()?((?:https?://\\S+/)?[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}"
            + "(?:/_history/[A-Za-z0-9\\-.]+)?)\\)?$");

    private ProvenanceText() {
    }

    static String pretty(String json) {
        try {
            ObjectMapper m = new ObjectMapper();
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(m.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    static List<ProvenanceDetailViewModel.Field> fields(ProvenanceDetail d, ProvenanceStore.Row row) {
        List<ProvenanceDetailViewModel.Field> out = new ArrayList<>();
        for (String t : d.targets()) {
            add(out, "Target", t, true);
        }
        add(out, "Recorded", d.recorded(), false);
        add(out, "Period", d.period(), false);
        for (String p : d.policies()) {
            add(out, "Policy", p, false);
        }
        add(out, "Location", d.location(), true);
        for (String r : d.reasons()) {
            add(out, "Reason", r, false);
        }
        add(out, "Activity", d.activity(), false);
        int i = 0;
        for (ProvenanceDetail.Agent a : d.agents()) {
            i++;
            String label = "Agent " + i + (a.localId() == null ? "" : " (#" + a.localId() + ")");
            add(out, label, (a.roles().isEmpty() ? "" : String.join(", ", a.roles()) + ": ")
                    + (a.who() == null ? "?" : a.who()), a.who());
            if (a.onBehalfOf() != null) {
                add(out, "   on behalf of", a.onBehalfOf(), true);
            }
            if (a.relatedAgentType() != null) {
                add(out, "   related agent type", a.relatedAgentType(), false);
            }
        }
        i = 0;
        for (ProvenanceDetail.Entity e : d.entities()) {
            i++;
            add(out, "Entity " + i, (e.role() == null ? "" : e.role() + ": ") + (e.what() == null ? "?" : e.what()),
                    e.what());
            for (ProvenanceDetail.Agent a : e.agents()) {
                add(out, "   its agent", (a.roles().isEmpty() ? "" : String.join(", ", a.roles()) + ": ")
                        + (a.who() == null ? "?" : a.who()), a.who());
            }
        }
        i = 0;
        for (ProvenanceDetail.Signature s : d.signatures()) {
            i++;
            add(out, "Signature " + i, String.join(", ", s.types()), false);
            add(out, "   when", s.when(), false);
            add(out, "   who", s.who(), true);
            add(out, "   on behalf of", s.onBehalfOf(), true);
            add(out, "   content type", s.contentType(), false);
            add(out, "   blob", s.blobProblem() != null ? s.blobProblem() : String.format("%,d bytes", s.blobBytes()),
                    false);
        }
        add(out, "Origin", row.origin(), false);
        if (row.container() != null) {
            add(out, "Contained in", row.container(), true);
        }
        return out;
    }

    private static void add(List<ProvenanceDetailViewModel.Field> out, String label, String value, boolean openable) {
        if (value != null && !value.isBlank()) {
            out.add(new ProvenanceDetailViewModel.Field(label, value, openable ? reference(value) : null));
        }
    }

    private static void add(List<ProvenanceDetailViewModel.Field> out, String label, String value, String refText) {
        if (value != null && !value.isBlank()) {
            out.add(new ProvenanceDetailViewModel.Field(label, value, refText == null ? null : reference(refText)));
        }
    }

    /** The reference a shown value names, or null. */
    static String reference(String shown) {
        Matcher m = REF.matcher(shown.trim());
        return m.matches() ? m.group(1) : null;
    }
}
