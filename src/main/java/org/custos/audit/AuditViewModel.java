package org.custos.audit;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditStore;
import org.custos.cache.AuditSummary;
import org.custos.fhir.Fhir;
import org.custos.ui.TaskRunner;

import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The audit browser: filters, the lazily loaded rows, the match count and the selected event's detail. */
public final class AuditViewModel {
    /** A choice in a code filter: the code ("" for any) and what a person reads. */
    public record Choice(String code, String label) {
        @Override
        public String toString() {
            return label;
        }
    }

    public static final List<Choice> ACTIONS = List.of(new Choice("", "Any action"), new Choice("C", "C · Create"),
            new Choice("R", "R · Read"), new Choice("U", "U · Update"), new Choice("D", "D · Delete"),
            new Choice("E", "E · Execute"));
    public static final List<Choice> OUTCOMES = List.of(new Choice("", "Any outcome"), new Choice("0", "0 · Success"),
            new Choice("4", "4 · Minor failure"), new Choice("8", "8 · Serious failure"),
            new Choice("12", "12 · Major failure"));

    /** Style classes (CSS pseudo-classes) a row of the table can have: see {@link #rowStyles}. */
    public static final String FAILURE_STYLE = "failure";
    public static final String BREAK_THE_GLASS_STYLE = "btg";
    public static final List<String> ROW_STYLES = List.of(FAILURE_STYLE, BREAK_THE_GLASS_STYLE);

    private final AuditStore store;
    private final Fhir fhir;
    private final TaskRunner tasks;
    private final ZoneId zone;
    private final AuditDetails details;

    public final ObjectProperty<LocalDate> from = new SimpleObjectProperty<>();
    public final ObjectProperty<LocalDate> to = new SimpleObjectProperty<>();
    public final StringProperty agent = new SimpleStringProperty("");
    public final StringProperty patient = new SimpleStringProperty("");
    public final StringProperty entity = new SimpleStringProperty("");
    public final StringProperty type = new SimpleStringProperty("");
    public final StringProperty subtype = new SimpleStringProperty("");
    public final ObjectProperty<Choice> action = new SimpleObjectProperty<>(ACTIONS.get(0));
    public final ObjectProperty<Choice> outcome = new SimpleObjectProperty<>(OUTCOMES.get(0));
    public final StringProperty source = new SimpleStringProperty("");
    public final StringProperty purpose = new SimpleStringProperty("");
    public final StringProperty text = new SimpleStringProperty("");
    public final BooleanProperty ascending = new SimpleBooleanProperty(false);

    private final StringProperty matchText = new SimpleStringProperty("");
    private final BooleanProperty counting = new SimpleBooleanProperty(false);
    private final IntegerProperty matchCount = new SimpleIntegerProperty(0);
    private final IntegerProperty pagesLoaded = new SimpleIntegerProperty(0);
    private final StringProperty error = new SimpleStringProperty("");
    private final ObjectProperty<DetailNode> detail = new SimpleObjectProperty<>();
    private final StringProperty detailJson = new SimpleStringProperty("");
    private final StringProperty detailXml = new SimpleStringProperty("");
    private final LazyAuditRows rows;
    private AuditFilter applied = AuditFilter.ALL;
    private long selectedPk = -1;

    public AuditViewModel(AuditStore store, Fhir fhir, TaskRunner tasks, ZoneId zone) {
        this.store = store;
        this.fhir = fhir;
        this.tasks = tasks;
        this.zone = zone;
        this.details = new AuditDetails(zone);
        this.rows = new LazyAuditRows(store, tasks, new LazyAuditRows.Listener() {
            @Override
            public void keysLoaded(int count, boolean complete) {
                matchCount.set(count);
                counting.set(!complete);
                matchText.set(describeCount(count, complete));
            }

            @Override
            public void pageLoaded(int page) {
                pagesLoaded.set(pagesLoaded.get() + 1);
            }

            @Override
            public void failed(Throwable t) {
                error.set(t.getMessage());
            }
        });
    }

    static String describeCount(int count, boolean complete) {
        String n = NumberFormat.getIntegerInstance(Locale.US).format(count);
        if (!complete) {
            return "at least " + n + " events (counting…)";
        }
        return count == 0 ? "No events match" : count == 1 ? "1 event" : n + " events";
    }

    /** The filter the fields describe now. */
    public AuditFilter filter() {
        Long f = from.get() == null ? null : from.get().atStartOfDay(zone).toInstant().toEpochMilli();
        Long t = to.get() == null ? null : to.get().plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli() - 1;
        return new AuditFilter(f, t, agent.get(), patient.get(), entity.get(), type.get(), subtype.get(),
                action.get() == null ? null : action.get().code(), outcome.get() == null ? null : outcome.get().code(),
                source.get(), purpose.get(), text.get()).normalized();
    }

    /** Applies the filter fields. */
    public void search() {
        error.set("");
        applied = filter();
        matchText.set("Searching…");
        counting.set(true);
        rows.reset(applied, ascending.get());
    }

    /** Shows every event again. */
    public void clear() {
        from.set(null);
        to.set(null);
        for (StringProperty p : List.of(agent, patient, entity, type, subtype, source, purpose, text)) {
            p.set("");
        }
        action.set(ACTIONS.get(0));
        outcome.set(OUTCOMES.get(0));
        search();
    }

    public void toggleSort() {
        ascending.set(!ascending.get());
        search();
    }

    /** Shows the event at this row in the detail pane (loads it if needed). */
    public void select(int index) {
        if (index < 0 || index >= rows.size()) {
            selectedPk = -1;
            detail.set(null);
            detailJson.set("");
            detailXml.set("");
            return;
        }
        long pk = rows.pkAt(index);
        selectedPk = pk;
        tasks.submit(null, p -> {
            String raw = store.raw(pk).orElseThrow(() -> new IllegalStateException("This event is no longer in "
                    + "the cache"));
            DetailNode tree = details.build(raw);
            var origin = store.originOf(pk);
            if (origin.isPresent()) {
                tree = withCacheSection(tree, origin.get());
            }
            return new Object[]{tree, prettyJson(raw), fhir.toXml(raw)};
        }, r -> {
            if (pk == selectedPk) {
                detail.set((DetailNode) r[0]);
                detailJson.set((String) r[1]);
                detailXml.set((String) r[2]);
            }
        }, t -> error.set("Cannot show this event: " + t.getMessage()));
    }

    /** Adds "In the cache": where the event came from, its version and last update. */
    private DetailNode withCacheSection(DetailNode tree, AuditStore.Origin o) {
        java.util.List<DetailNode> cacheInfo = new java.util.ArrayList<>();
        cacheInfo.add(DetailNode.leaf("from", o.from()));
        if (o.versionId() != null) {
            cacheInfo.add(DetailNode.leaf("versionId", o.versionId()));
        }
        if (o.lastUpdated() != null) {
            cacheInfo.add(DetailNode.leaf("lastUpdated", java.time.Instant.ofEpochMilli(o.lastUpdated()).toString()));
        }
        java.util.List<DetailNode> sections = new java.util.ArrayList<>(tree.children());
        sections.add(new DetailNode("In the cache", o.from(), cacheInfo));
        return new DetailNode(tree.label(), tree.value(), sections);
    }

    private static String prettyJson(String raw) throws java.io.IOException {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(raw));
    }

    public ObservableList<AuditSummary> rows() {
        return rows;
    }

    public AuditFilter applied() {
        return applied;
    }

    /**
     * How a row is marked: {@link #FAILURE_STYLE} when its outcome is anything but success (0), and
     * {@link #BREAK_THE_GLASS_STYLE} for an emergency access; none for an empty or not yet loaded row.
     */
    public Set<String> rowStyles(AuditSummary row) {
        if (row == null) {
            return Set.of();
        }
        boolean failed = row.outcome() != null && !"0".equals(row.outcome());
        boolean btg = row.breakTheGlass();
        return failed && btg ? Set.of(FAILURE_STYLE, BREAK_THE_GLASS_STYLE)
                : failed ? Set.of(FAILURE_STYLE) : btg ? Set.of(BREAK_THE_GLASS_STYLE) : Set.of();
    }

    public StringProperty matchTextProperty() { return matchText; }

    public IntegerProperty matchCountProperty() { return matchCount; }

    public BooleanProperty countingProperty() { return counting; }

    public IntegerProperty pagesLoadedProperty() { return pagesLoaded; }

    public StringProperty errorProperty() { return error; }

    public ObjectProperty<DetailNode> detailProperty() { return detail; }

    public StringProperty detailJsonProperty() { return detailJson; }

    public StringProperty detailXmlProperty() { return detailXml; }

    public ZoneId zone() { return zone; }
}
