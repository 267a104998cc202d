package org.custos.cache;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where resources came from. An origin has a name: a server's base URL, {@value #FILES} for imported files unless the
 * import names another one, {@value #DEMO} for the bundled demo data. A cached resource is (origin, type, id): two
 * origins may use the same ids without touching each other's resources.
 */
public final class Origins {
    public static final String FILES = "files";
    public static final String DEMO = "demo";
    /** The kind of the origin of Custos's own audit trail (the AuditEvents it records of what its users do). */
    public static final String SELF = "self";
    /** The name of the origin of Custos's own audit trail. */
    public static final String SELF_NAME = "this Custos";
    private static final int MAX_NAME = 2000;

    /** One origin: its id in the cache, its name and its kind ({@code server}, {@code files} or {@code demo}). */
    public record Origin(int id, String name, String kind) {
        public boolean demo() {
            return kind.equals(DEMO);
        }
    }

    private final Cache cache;
    private final Map<Integer, Origin> byId = new ConcurrentHashMap<>();

    Origins(Cache cache) {
        this.cache = cache;
    }

    void init(Connection c) throws SQLException {
        byId.clear();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, name, kind FROM origin")) {
            while (rs.next()) {
                byId.put(rs.getInt(1), new Origin(rs.getInt(1), rs.getString(2), rs.getString(3)));
            }
        }
    }

    /**
     * The form an origin name is kept in: trimmed; a URL's scheme and host in lower case and without a trailing
     * slash, so that {@code HTTPS://Example.org/fhir/} and {@code https://example.org/fhir} are one origin.
     */
    public static String normalize(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An origin needs a name.");
        }
        String n = name.trim();
        if (n.length() > MAX_NAME) {
            throw new IllegalArgumentException("An origin's name can have at most " + MAX_NAME + " characters.");
        }
        if (isUrl(n)) {
            while (n.endsWith("/")) {
                n = n.substring(0, n.length() - 1);
            }
            URI u = URI.create(n);
            String rest = n.substring(n.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            String path = slash < 0 ? "" : rest.substring(slash);
            String hostPort = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
            n = u.getScheme().toLowerCase(Locale.ROOT) + "://" + hostPort + path;
        }
        return n;
    }

    private static boolean isUrl(String n) {
        String lower = n.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return false;
        }
        try {
            return URI.create(n).getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String kindOf(String normalizedName) {
        return isUrl(normalizedName) ? "server" : normalizedName.equals(DEMO) ? DEMO
                : normalizedName.equals(SELF_NAME) ? SELF : FILES;
    }

    /** The id of the origin with this name, created on first use. */
    public int idOf(String name) {
        String n = normalize(name);
        for (Origin o : byId.values()) {
            if (o.name().equals(n)) {
                return o.id();
            }
        }
        return cache.inTransaction("Recording the origin " + n, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, kind FROM origin WHERE name = ?")) {
                ps.setString(1, n);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        byId.put(rs.getInt(1), new Origin(rs.getInt(1), n, rs.getString(2)));
                        return rs.getInt(1);
                    }
                }
            }
            String kind = kindOf(n);
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO origin (kind, name, first_seen) VALUES (?, ?, ?)", new String[]{"ID"})) {
                ps.setString(1, kind);
                ps.setString(2, n);
                ps.setLong(3, now);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    int id = rs.getInt(1);
                    Ledger.stored(c, id, Ledger.ORIGIN, new long[]{id}, new byte[][]{StoredRows.leaf(new Leaf(),
                            Ledger.ORIGIN, new Object[]{id, n, kind, now})});
                    byId.put(id, new Origin(id, n, kind));
                    return id;
                }
            }
        });
    }

    /** The origin with this name (normalized as {@link #normalize}), if the cache knows it. */
    public Optional<Origin> find(String name) {
        String n;
        try {
            n = normalize(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return byId.values().stream().filter(o -> o.name().equals(n)).findFirst();
    }

    /** The id of the origin of Custos's own audit trail, when something was recorded there. */
    public Optional<Integer> selfId() {
        return byId.values().stream().filter(o -> SELF.equals(o.kind())).map(Origin::id).findFirst();
    }

    /** After a purge: the origin is gone. */
    void forget(int id) {
        byId.remove(id);
    }

    /** The origin with this id. */
    public Optional<Origin> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The name of the origin with this id ("?" for an unknown id, which the foreign key rules out). */
    public String nameOf(int id) {
        Origin o = byId.get(id);
        return o == null ? "?" : o.name();
    }

    /** Every origin the cache knows, by name. */
    public List<Origin> all() {
        List<Origin> out = new ArrayList<>(byId.values());
        out.sort(java.util.Comparator.comparing(Origin::name));
        return out;
    }
}
