package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The versions of one consent the Changes tab compares: those the cache keeps and those the server's {@code _history}
 * lists, as one list, newest first. A version in both is listed once (the cache's text); when the two texts of one
 * version differ in content (not only in meta or narrative) it says so — the cache is evidence, and a server that
 * rewrote a version should not pass unseen. A version only on the server, or only in the cache while the server's
 * history was read, says that too.
 */
final class ConsentVersions {
    /** One version as listed: the version, and what is to be said about where it comes from ("" for nothing). */
    record Listed(ConsentMeaningViewModel.Version version, String note) {
    }

    private ConsentVersions() {
    }

    /**
     * Both lists as one, newest first (by version number; versions without a number last, in the order given).
     * {@code kept} null: the cache's versions are not known (not read yet, or the read failed), so nothing is said of
     * the server's versions being in it. {@code server} null: the server's history was not read (no server, not
     * asked, or it failed), so nothing is said of the cache's versions being on it; when it holds only the newest
     * versions (not complete), only cache versions within the range read are said to be missing from it.
     */
    static List<Listed> merge(List<ConsentMeaningViewModel.Version> kept, ConsentMeaningViewModel.History server) {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, ConsentMeaningViewModel.Version> onServer = new LinkedHashMap<>();
        long oldestRead = Long.MAX_VALUE;
        if (server != null) {
            for (ConsentMeaningViewModel.Version v : server.versions()) {
                if (v.versionId() != null) {
                    onServer.putIfAbsent(v.versionId(), v);
                    if (number(v.versionId()) != Long.MIN_VALUE) {
                        oldestRead = Math.min(oldestRead, number(v.versionId()));
                    }
                }
            }
        }
        List<Listed> out = new ArrayList<>();
        java.util.Set<String> inCache = new java.util.HashSet<>();
        for (ConsentMeaningViewModel.Version v : kept == null ? List.<ConsentMeaningViewModel.Version>of() : kept) {
            inCache.add(v.versionId());
            ConsentMeaningViewModel.Version s = v.versionId() == null ? null : onServer.get(v.versionId());
            String note = "";
            if (s != null && !sameContent(mapper, v.json(), s.json())) {
                note = "differs from the server's version " + v.versionId();
            } else if (s == null && server != null && !server.versions().isEmpty()
                    && (server.complete() || number(v.versionId()) != Long.MIN_VALUE
                    && number(v.versionId()) >= oldestRead)) {
                // what the server's answer lists (a server may leave versions out of it: HAPI JPA does, for a while)
                note = "not listed in the server's history";
            }
            out.add(new Listed(v, note));
        }
        for (ConsentMeaningViewModel.Version s : onServer.values()) {
            if (!inCache.contains(s.versionId())) {
                out.add(new Listed(s, kept == null ? "from the server's history"
                        : "from the server's history (not in the cache)"));
            }
        }
        if (server != null) {
            for (ConsentMeaningViewModel.Version s : server.versions()) {
                if (s.versionId() == null) {
                    out.add(new Listed(s, "from the server's history (no version id)"));
                }
            }
        }
        out.sort(Comparator.comparingLong((Listed l) -> number(l.version().versionId())).reversed());
        return out;
    }

    private static long number(String v) {
        try {
            return v == null ? Long.MIN_VALUE : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Equal content: meta and narrative left out (a server sets those on every version it serves). */
    static boolean sameContent(ObjectMapper mapper, String a, String b) {
        try {
            return content(mapper.readTree(a)).equals(content(mapper.readTree(b)));
        } catch (Exception unreadable) {
            return a.equals(b);
        }
    }

    private static JsonNode content(JsonNode n) {
        JsonNode c = n.deepCopy();
        if (c instanceof ObjectNode o) {
            o.remove("meta");
            o.remove("text");
        }
        return c;
    }
}
