package org.custos.trail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.Cache;
import org.custos.cache.Origins;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Custos audits itself (IHE Basic Audit Log Patterns): each search, opened event, patient access view, export, report
 * and review decision made in Custos is recorded as an STU3 AuditEvent in the cache under the origin
 * {@value Origins#SELF_NAME}, forced to the disk before the caller shows its result. The browser, counts, rules and
 * {@code custos audit} leave these out unless asked, so that the same query gives the same answer twice.
 * <ul>
 *   <li>query: type DICOM 110112 Query, subtype search, action E, an entity of role 24 (Query) holding the query
 *   (base64) and its description;</li>
 *   <li>read: type rest (RESTful Operation), subtype read, action R, an entity of the resource read;</li>
 *   <li>export (also a report written to a file): type DICOM 110106 Export, action R, an entity describing what went
 *   where;</li>
 *   <li>decision (a review decision): type DICOM 110100 Application Activity, subtype custos review-decision,
 *   action U, an entity of the alert or case.</li>
 * </ul>
 * Always: purpose v3 ActReason HCOMPL (health compliance), the user as the requesting agent (userId and name; the
 * signed-in user, else the operating-system user), Custos as an application agent, this installation as the source,
 * and an entity of role Patient for each patient concerned.
 */
public final class OwnTrail implements Looks {
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String REST = "http://hl7.org/fhir/restful-interaction";

    /** What was done. */
    public enum Act { QUERY, READ, EXPORT, DECISION }

    private final Cache cache;
    private final Supplier<String> user;
    private final Supplier<String> installation;
    private String installationName;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
    /** The servers (base URLs) whose profile receives the trail; asked at each act. */
    private volatile Supplier<List<String>> sendTo = List::of;

    /**
     * @param user         who is acting (the signed-in user, else the operating-system user)
     * @param installation this installation, as the events' source ("custos@host")
     */
    public OwnTrail(Cache cache, Supplier<String> user, String installation, Clock clock) {
        this(cache, user, () -> installation, clock);
    }

    /** As above, the installation's name asked for when the first act is recorded (a host lookup may be slow). */
    public OwnTrail(Cache cache, Supplier<String> user, Supplier<String> installation, Clock clock) {
        this.cache = cache;
        this.user = user;
        this.installation = installation;
        this.clock = clock;
    }

    /**
     * Also sends each act to these servers (base URLs of the profiles that receive the trail, asked at each act):
     * queued in the outbox with the event, in one commit.
     */
    public OwnTrail sendingTo(Supplier<List<String>> servers) {
        this.sendTo = servers;
        return this;
    }

    private synchronized String installation() {
        if (installationName == null) {
            installationName = installation.get();
        }
        return installationName;
    }

    /** The installation name for a machine: "custos@" and its host name. */
    public static String installationOfThisMachine() {
        try {
            return "custos@" + java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "custos@localhost";
        }
    }

    @Override
    public void query(String what, String query, List<String> patients) {
        record(Act.QUERY, what, query, null, patients);
    }

    @Override
    public void read(String what, String reference, List<String> patients) {
        record(Act.READ, what, null, reference, patients);
    }

    @Override
    public void export(String what, String query, List<String> patients) {
        record(Act.EXPORT, what, query, null, patients);
    }

    @Override
    public void decision(String what, String about, List<String> patients) {
        record(Act.DECISION, what, null, about, patients);
    }

    /** Records one act; returns the id of the AuditEvent written. */
    public String record(Act act, String what, String query, String reference, List<String> patients) {
        String id = UUID.randomUUID().toString();
        ObjectNode ev = mapper.createObjectNode();
        ev.put("resourceType", "AuditEvent");
        ev.put("id", id);
        // the event's Custos id as a tag: a server it is sent to stores it once (a conditional create on the tag)
        coding(ev.putObject("meta").putArray("tag").addObject(), org.custos.cache.TrailWrites.TAG, id, "Custos audit trail event");
        switch (act) {
            case QUERY -> {
                coding(ev.putObject("type"), DCM, "110112", "Query");
                coding(ev.putArray("subtype").addObject(), REST, "search-type", "search type");
                ev.put("action", "E");
            }
            case READ -> {
                coding(ev.putObject("type"), "http://hl7.org/fhir/audit-event-type", "rest", "RESTful Operation");
                coding(ev.putArray("subtype").addObject(), REST, "read", "read");
                ev.put("action", "R");
            }
            case EXPORT -> {
                coding(ev.putObject("type"), DCM, "110106", "Export");
                ev.put("action", "R");
            }
            case DECISION -> {
                coding(ev.putObject("type"), DCM, "110100", "Application Activity");
                coding(ev.putArray("subtype").addObject(), "urn:custos:review", "review-decision", "review decision");
                ev.put("action", "U");
            }
            default -> throw new IllegalStateException(act.name());
        }
        ev.put("recorded", Instant.ofEpochMilli(clock.millis()).toString());
        ev.put("outcome", "0");
        ev.put("outcomeDesc", cut(what));
        coding(ev.putArray("purposeOfEvent").addObject().putArray("coding").addObject(),
                "http://hl7.org/fhir/v3/ActReason", "HCOMPL", "health compliance");
        ArrayNode agents = ev.putArray("agent");
        String who = user.get();
        ObjectNode person = agents.addObject();
        coding(person.putArray("role").addObject().putArray("coding").addObject(),
                "http://hl7.org/fhir/extra-security-role-type", "humanuser", "human user");
        person.putObject("userId").put("value", who);
        person.put("name", who);
        person.put("requestor", true);
        ObjectNode app = agents.addObject();
        coding(app.putArray("role").addObject().putArray("coding").addObject(), DCM, "110150", "Application");
        String here = installation();
        app.put("altId", here);
        app.put("name", "Custos");
        app.put("requestor", false);
        ObjectNode source = ev.putObject("source");
        source.put("site", here);
        source.putObject("identifier").put("value", here);
        coding(source.putArray("type").addObject(), "http://hl7.org/fhir/security-source-type", "4",
                "Application Server");
        ArrayNode entities = ev.putArray("entity");
        for (String p : patients) {
            if (p == null || p.isBlank()) {
                continue;
            }
            ObjectNode e = entities.addObject();
            if (p.contains("/")) {
                e.putObject("reference").put("reference", p.trim());
            } else {
                e.putObject("identifier").put("value", p.trim());
            }
            coding(e.putObject("type"), "http://hl7.org/fhir/audit-entity-type", "1", "Person");
            coding(e.putObject("role"), "http://hl7.org/fhir/object-role", "1", "Patient");
        }
        if (query != null) {
            ObjectNode q = entities.addObject();
            coding(q.putObject("type"), "http://hl7.org/fhir/audit-entity-type", "2", "System Object");
            coding(q.putObject("role"), "http://hl7.org/fhir/object-role", "24", "Query");
            q.put("description", cut(what));
            q.put("query", Base64.getEncoder().encodeToString(query.getBytes(StandardCharsets.UTF_8)));
        }
        if (reference != null) {
            ObjectNode r = entities.addObject();
            if (reference.matches("[A-Za-z]+/[A-Za-z0-9\\-.]{1,64}")) {
                r.putObject("reference").put("reference", reference);
            } else {
                r.put("name", reference);
            }
            coding(r.putObject("type"), "http://hl7.org/fhir/audit-entity-type", "2", "System Object");
            coding(r.putObject("role"), "http://hl7.org/fhir/object-role", "4", "Domain Resource");
        }
        java.util.Map<String, ObjectNode> copies = new java.util.LinkedHashMap<>();
        for (String server : sendTo.get()) {
            copies.put(server, forServer(ev, server));
        }
        cache.trail().record(ev, copies);
        return id;
    }

    /**
     * The copy of {@code ev} a server receives: an entity keeps its reference only when it is one of that server's
     * resources (absolute under its base URL, see {@link Looks#inOrigin}); any other reference or identifier would
     * name the server's own resource of that id, another person, so it becomes the entity's name instead.
     */
    static ObjectNode forServer(ObjectNode ev, String serverBase) {
        ObjectNode copy = ev.deepCopy();
        String base = Origins.normalize(serverBase);
        for (com.fasterxml.jackson.databind.JsonNode n : copy.path("entity")) {
            ObjectNode e = (ObjectNode) n;
            String ref = e.path("reference").path("reference").asText(null);
            if (ref != null && !ofServer(ref, base)) {
                e.remove("reference");
                e.put("name", ref + " (not a resource of this server)");
            }
            String ident = e.path("identifier").path("value").asText(null);
            if (ident != null) {
                e.remove("identifier");
                e.put("name", "identifier " + ident + " (of another source than this server)");
            }
        }
        return copy;
    }

    /** Whether {@code ref} is absolute under the server's (normalized) base URL, compared as origins are. */
    private static boolean ofServer(String ref, String normalizedBase) {
        String r = ref;
        int history = r.indexOf("/_history/");
        if (history > 0) {
            r = r.substring(0, history);
        }
        int idSlash = r.lastIndexOf('/');
        int typeSlash = idSlash <= 0 ? -1 : r.lastIndexOf('/', idSlash - 1);
        if (typeSlash <= 0 || !r.toLowerCase(java.util.Locale.ROOT).matches("https?://.+")) {
            return false;
        }
        try {
            return Origins.normalize(r.substring(0, typeSlash)).equals(normalizedBase);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ObjectNode coding(ObjectNode c, String system, String code, String display) {
        c.put("system", system);
        c.put("code", code);
        c.put("display", display);
        return c;
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
