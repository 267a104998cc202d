package org.custos.audit;

import java.util.List;

/** One line of the detail tree: an element's label, its value in words, and the elements inside it. */
public record DetailNode(String label, String value, List<DetailNode> children) {
    public DetailNode {
        children = List.copyOf(children);
    }

    static DetailNode leaf(String label, String value) {
        return new DetailNode(label, value, List.of());
    }

    /** Depth-first search by label, for tests and for the view to expand what matters. */
    public java.util.Optional<DetailNode> find(String wantedLabel) {
        if (label.equals(wantedLabel)) {
            return java.util.Optional.of(this);
        }
        for (DetailNode c : children) {
            var f = c.find(wantedLabel);
            if (f.isPresent()) {
                return f;
            }
        }
        return java.util.Optional.empty();
    }
}
