package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.consent.ConsentShape.Element;
import org.custos.consent.ConsentShape.Kind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Consent as a form: the {@link ConsentShape} laid over a JSON document. Every field reads from and writes into
 * the document itself, so whatever the form does not model stays exactly as it was; a group the document lacks is
 * added to it empty (and marked as made here) so that its fields can be typed into, and an empty made group is
 * left out when the document is written ({@link #document()}).
 */
public final class ConsentForm {

    /** What the form tells its owner: a field was typed into, or an element was added or removed. */
    public interface Listener {
        void edited(Field field, String before);

        void structureChanged(String what);
    }

    /** A part of the document the form does not model, kept unchanged: where it is and its JSON. */
    public record Kept(String path, String json) {
    }

    /** Any node of the form. {@link #path()} is its FHIRPath ({@code Consent.except[0].actor[1].reference}). */
    public sealed interface Node permits Part {
        Element element();

        String path();

        StringProperty problem();

        /** Whether the problem shown is an error (it blocks the save) rather than a warning. */
        javafx.beans.property.BooleanProperty error();

        /** Whether the problems shown are warnings only (drawn amber; an error is drawn red). */
        javafx.beans.property.BooleanProperty warning();
    }

    private final ObjectNode document;
    private final Set<JsonNode> made;
    private final Listener listener;
    private final Group root;
    private final List<Kept> kept = new ArrayList<>();

    /**
     * The form over {@code document} (changed in place as the user types). {@code made}: the document's nodes the
     * editor added (identity), shared with the owner across rebuilds.
     */
    public ConsentForm(ObjectNode document, Set<JsonNode> made, Listener listener) {
        this.document = document;
        this.made = made;
        this.listener = listener;
        this.root = new Group(ConsentShape.CONSENT, "Consent", document, null);
    }

    public static Set<JsonNode> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    public Group root() {
        return root;
    }

    /** What the document holds that the form does not model (extensions, contained resources, …), read-only. */
    public List<Kept> kept() {
        return List.copyOf(kept);
    }

    /** The document as it would be saved: the groups made here and left empty are not in it. */
    public ObjectNode document() {
        return (ObjectNode) clean(document, made);
    }

    /** A copy of a tree in which the nodes made by the editor and left empty are gone. */
    static JsonNode clean(JsonNode n, Set<JsonNode> made) {
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = clean(f.getValue(), made);
                // an array left empty (its last item removed) goes too: FHIR has no empty arrays, and it holds nothing
                if (!(made.contains(f.getValue()) && v.isEmpty() && v.isContainerNode()) && !(v.isArray() && v.isEmpty())) {
                    out.set(f.getKey(), v);
                }
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : n) {
                JsonNode v = clean(item, made);
                if (!(made.contains(item) && v.isEmpty() && v.isContainerNode())) {
                    out.add(v);
                }
            }
            return out;
        }
        return n.deepCopy();
    }

    /** A deep copy of a tree, carrying over which nodes were made by the editor (for undo). */
    static JsonNode copy(JsonNode n, Set<JsonNode> madeIn, Set<JsonNode> madeOut) {
        JsonNode out;
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(f -> o.set(f.getKey(), copy(f.getValue(), madeIn, madeOut)));
            out = o;
        } else if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(item -> a.add(copy(item, madeIn, madeOut)));
            out = a;
        } else {
            out = n.deepCopy();
        }
        if (madeIn.contains(n)) {
            madeOut.add(out);
        }
        return out;
    }

    /** Every node of the form, depth first. */
    public List<Node> nodes() {
        List<Node> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Node n, List<Node> out) {
        out.add(n);
        if (n instanceof Group g) {
            g.children().forEach(c -> collect(c, out));
        } else if (n instanceof Items i) {
            i.items().forEach(c -> collect(c, out));
        }
    }

    /** The node a problem at this FHIRPath belongs to: the deepest one whose path it starts with. */
    public Node nodeAt(String location) {
        String loc = location == null ? "" : location.trim();
        Node best = root;
        for (Node n : nodes()) {
            String p = n.path();
            if ((loc.equals(p) || loc.startsWith(p + ".") || loc.startsWith(p + "["))
                    && p.length() > best.path().length()) {
                best = n;
            }
        }
        return best;
    }

    /** What every node has: its element, FHIRPath and the problem shown at it. */
    public abstract static sealed class Part implements Node permits Field, Group, Items {
        final Element element;
        final String path;
        private final StringProperty problem = new SimpleStringProperty("");
        private final javafx.beans.property.BooleanProperty error = new javafx.beans.property.SimpleBooleanProperty();
        private final javafx.beans.property.BooleanProperty warning = new javafx.beans.property.SimpleBooleanProperty();

        Part(Element element, String path) {
            this.element = element;
            this.path = path;
        }

        @Override
        public Element element() {
            return element;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public StringProperty problem() {
            return problem;
        }

        @Override
        public javafx.beans.property.BooleanProperty error() {
            return error;
        }

        @Override
        public javafx.beans.property.BooleanProperty warning() {
            return warning;
        }

        public String label() {
            return element.label();
        }
    }

    /** A primitive element: its text, written into the document as it changes (empty: the element is removed). */
    public final class Field extends Part {
        private final ObjectNode owner;
        private final StringProperty value = new SimpleStringProperty("");

        Field(Element element, String path, ObjectNode owner) {
            super(element, path);
            this.owner = owner;
            JsonNode v = owner.get(element.name());
            value.set(v == null || v.isNull() ? "" : v.asText());
            value.addListener((obs, before, now) -> {
                write(now);
                listener.edited(this, before);
            });
        }

        private void write(String text) {
            String t = text == null ? "" : text;
            if (t.isEmpty()) {
                owner.remove(element.name());
            } else if (element.kind() == Kind.INTEGER && t.matches("-?\\d{1,18}")) {
                owner.put(element.name(), Long.parseLong(t));
            } else {
                owner.put(element.name(), t);
            }
        }

        public StringProperty value() {
            return value;
        }

        public String label() {
            return element.label();
        }
    }

    /** An object element (a backbone element or a datatype) and its parts. */
    public final class Group extends Part {
        private final ObjectNode object;
        private final Items list;
        private final List<Node> children = new ArrayList<>();

        Group(Element element, String path, ObjectNode object, Items list) {
            super(element, path);
            this.object = object;
            this.list = list;
            for (Element child : element.children()) {
                String childPath = path + "." + child.name();
                JsonNode v = object.get(child.name());
                if (!child.isGroup()) {
                    if (v != null && !v.isValueNode()) {
                        kept.add(new Kept(childPath, v.toString()));
                    } else {
                        children.add(new Field(child, childPath, object));
                    }
                } else if (child.repeats()) {
                    if (v != null && !v.isArray()) {
                        kept.add(new Kept(childPath, v.toString()));
                    } else {
                        ArrayNode arr = v == null ? made(object.putArray(child.name())) : (ArrayNode) v;
                        children.add(new Items(child, childPath, arr));
                    }
                } else if (v != null && !v.isObject()) {
                    kept.add(new Kept(childPath, v.toString()));
                } else {
                    ObjectNode o = v == null ? made(object.putObject(child.name())) : (ObjectNode) v;
                    children.add(new Group(child, childPath, o, null));
                }
            }
            Iterator<String> names = object.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (element.children().stream().noneMatch(c -> c.name().equals(n))
                        && !(element == ConsentShape.CONSENT && n.equals("resourceType"))) {
                    kept.add(new Kept(path + "." + n, object.get(n).toString()));
                }
            }
        }


        public List<Node> children() {
            return List.copyOf(children);
        }

        /** The field or group of this name, or null. */
        public Node child(String name) {
            return children.stream().filter(c -> c.element().name().equals(name)).findFirst().orElse(null);
        }

        public Field field(String name) {
            return (Field) child(name);
        }

        public Group group(String name) {
            return (Group) child(name);
        }

        public Items items(String name) {
            return (Items) child(name);
        }

        /** The list this group is an item of, or null. */
        public Items list() {
            return list;
        }

        /** A short line of what it holds (its first few values), for a collapsed item's title. */
        public String summary() {
            List<String> values = new ArrayList<>();
            values(clean(object, made), values);
            String line = String.join(" · ", values.subList(0, Math.min(values.size(), 4)));
            return line.length() > 90 ? line.substring(0, 89) + "…" : line;
        }

        private static void values(JsonNode n, List<String> out) {
            if (n.isValueNode()) {
                String t = n.asText();
                out.add(t.length() > 40 ? t.substring(0, 39) + "…" : t);
            } else {
                n.forEach(c -> values(c, out));
            }
        }

        /** Whether nothing in it has been given. */
        public boolean isEmpty() {
            return clean(object, made).isEmpty();
        }

        /** A code picked from a list, for a Coding: system, code and display in one step. */
        public void pick(ConsentCodes.Choice c) {
            field("system").value().set(c.system() == null ? "" : c.system());
            field("code").value().set(c.code() == null ? "" : c.code());
            field("display").value().set(c.display() == null ? "" : c.display());
        }
    }

    /** A repeated element: its items, and adding or removing one. */
    public final class Items extends Part {
        private final ArrayNode array;
        private final List<Group> items = new ArrayList<>();

        Items(Element element, String path, ArrayNode array) {
            super(element, path);
            this.array = array;
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                if (item.isObject()) {
                    items.add(new Group(element, path + "[" + i + "]", (ObjectNode) item, this));
                } else {
                    kept.add(new Kept(path + "[" + i + "]", item.toString()));
                }
            }
        }


        public List<Group> items() {
            return List.copyOf(items);
        }

        /** Adds an empty item at the end (the form is rebuilt by its owner). */
        public void add() {
            made(array.addObject());
            listener.structureChanged("Add " + element.label().toLowerCase(java.util.Locale.ROOT));
        }

        /** Adds a Coding (or a CodeableConcept holding one) for a code picked from a list. */
        public void add(ConsentCodes.Choice c) {
            ObjectNode coding = array.addObject();
            boolean concept = element.children().stream().anyMatch(e -> e.name().equals("coding"));
            ObjectNode target = concept ? coding.putArray("coding").addObject() : coding;
            if (c.system() != null && !c.system().isEmpty()) {
                target.put("system", c.system());
            }
            target.put("code", c.code());
            if (c.display() != null && !c.display().isEmpty()) {
                target.put("display", c.display());
            }
            listener.structureChanged("Add " + c.code());
        }

        /** Removes one item (the form is rebuilt by its owner). */
        public void remove(Group item) {
            int i = items.indexOf(item);
            if (i < 0) {
                return;
            }
            for (int k = 0; k < array.size(); k++) {
                if (array.get(k) == item.object) {
                    array.remove(k);
                    break;
                }
            }
            listener.structureChanged("Remove " + element.label().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private <T extends JsonNode> T made(T node) {
        made.add(node);
        return node;
    }
}
