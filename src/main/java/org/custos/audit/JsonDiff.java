package org.custos.audit;

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
