package org.custos.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between two versions of a resource, element by element: each leaf value by its path
 * ({@code agent[0].name}), as "added", "removed" or "changed from … to …". No FHIR model, plain JSON.
 */
public final class JsonDiff {

    /** One difference: the element's path, its value before (null: absent) and after (null: absent). */
    public record Change(String path, String before, String after) {
        @Override
        public String toString() {
            if (before == null) {
                return path + ": added " + after;
            }
            if (after == null) {
                return path + ": removed (was " + before + ")";
            }
            return path + ": " + before + " → " + after;
        }
    }

    private JsonDiff() {
    }

    /** The differences from {@code older} to {@code newer} (both JSON texts), in document order. */
    public static List<Change> between(String older, String newer) {
        Map<String, String> a = flatten(older);
        Map<String, String> b = flatten(newer);
        Set<String> paths = new LinkedHashSet<>(a.keySet());
        paths.addAll(b.keySet());
        List<Change> out = new ArrayList<>();
        for (String p : paths) {
            String x = a.get(p);
            String y = b.get(p);
            if (x == null ? y != null : !x.equals(y)) {
                out.add(new Change(p, x, y));
            }
        }
        return out;
    }

    /**
     * {@code base} with these changes made: each change's value ({@link Change#after()}, null removes the element)
     * set at its path, objects and array items made where missing. For a merge chosen element by element.
     */
    public static String apply(String base, List<Change> changes) {
        ObjectMapper m = new ObjectMapper();
        try {
            JsonNode root = m.readTree(base);
            for (Change c : changes) {
                set(root, c.path(), c.after() == null ? null : m.readTree(c.after()));
            }
            prune(root);
            return m.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getMessage(), e);
        }
    }

    private static void set(JsonNode root, String path, JsonNode value) {
        List<Object> steps = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int b = part.indexOf('[');
            steps.add(b < 0 ? part : part.substring(0, b));
            while (b >= 0) {
                int e = part.indexOf(']', b);
                steps.add(Integer.parseInt(part.substring(b + 1, e)));
                b = part.indexOf('[', e);
            }
        }
        JsonNode node = root;
        for (int i = 0; i < steps.size() - 1; i++) {
            Object step = steps.get(i);
            boolean nextIsIndex = steps.get(i + 1) instanceof Integer;
            JsonNode child = step instanceof Integer k ? node.get(k) : node.get((String) step);
            if (child == null || child.isNull()) {
                if (value == null) {
                    return;
                }
                child = nextIsIndex ? m().createArrayNode() : m().createObjectNode();
                if (step instanceof Integer k) {
                    com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) node;
                    while (a.size() < k) {
                        a.addObject();
                    }
                    a.add(child);
                } else {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) node).set((String) step, child);
                }
            }
            node = child;
        }
        Object last = steps.get(steps.size() - 1);
        if (last instanceof Integer k) {
            com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) node;
            if (value == null) {
                if (k < a.size()) {
                    a.remove(k);
                }
            } else if (k < a.size()) {
                a.set(k, value);
            } else {
                a.add(value);
            }
        } else if (value == null) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove((String) last);
        } else {
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).set((String) last, value);
        }
    }

    /** Removes objects and arrays left empty (FHIR has none). */
    private static void prune(JsonNode n) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                JsonNode v = it.next().getValue();
                prune(v);
                if (v.isContainerNode() && v.isEmpty()) {
                    it.remove();
                }
            }
        } else if (n.isArray()) {
            Iterator<JsonNode> it = n.elements();
            while (it.hasNext()) {
                JsonNode v = it.next();
                prune(v);
                if (v.isContainerNode() && v.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private static ObjectMapper m() {
        return new ObjectMapper();
    }

    static Map<String, String> flatten(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            flatten("", new ObjectMapper().readTree(json), out);
        } catch (IOException e) {
            out.put("(unreadable)", e.getMessage());
        }
        return out;
    }

    private static void flatten(String path, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getValue(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(path + "[" + i + "]", n.get(i), out);
            }
        } else {
            out.put(path, n.isTextual() ? "\"" + n.asText() + "\"" : n.toString());
        }
    }
}
