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
import org.custos.ui.JsonDiff;
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
    /** A row whose event changed or was deleted at its origin. */
    public static final String FLAGGED_STYLE = "flagged";
    public static final List<String> ROW_STYLES = List.of(FAILURE_STYLE, BREAK_THE_GLASS_STYLE, FLAGGED_STYLE);

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
    /** The origin to show ("" or {@link #ANY_ORIGIN}: every origin). */
    public final StringProperty origin = new SimpleStringProperty(ANY_ORIGIN);
    /** Only events that changed or were deleted at their origin. */
    public final BooleanProperty flaggedOnly = new SimpleBooleanProperty(false);
    /** Lists Custos's own audit trail too (what its users looked at); left out by default. */
    public final BooleanProperty includeOwn = new SimpleBooleanProperty(false);
    public final BooleanProperty ascending = new SimpleBooleanProperty(false);
    public static final String ANY_ORIGIN = "Any origin";
    private final javafx.collections.ObservableList<String> origins =
            javafx.collections.FXCollections.observableArrayList(ANY_ORIGIN);

    private final StringProperty matchText = new SimpleStringProperty("");
    private final BooleanProperty counting = new SimpleBooleanProperty(false);
    private final IntegerProperty matchCount = new SimpleIntegerProperty(0);
    private final IntegerProperty pagesLoaded = new SimpleIntegerProperty(0);
    private final StringProperty error = new SimpleStringProperty("");
    private final ObjectProperty<DetailNode> detail = new SimpleObjectProperty<>();
    private final StringProperty detailJson = new SimpleStringProperty("");
    private final StringProperty detailXml = new SimpleStringProperty("");
    /** Why the selected event's detail is not shown ("" when it is). */
    private final StringProperty detailError = new SimpleStringProperty("");
    private final LazyAuditRows rows;
    private AuditFilter applied = AuditFilter.ALL;
    private final AuditExportModel export;
    private long selectedPk = -1;
    /** True while a refresh swaps the rows: the table's selection goes and comes back, the detail stays. */
    private final BooleanProperty swapping = new SimpleBooleanProperty(false);
    private final IntegerProperty reveal = new SimpleIntegerProperty(-1);
    private long wantedPk = -1;
    /** Custos's own audit trail: told of each search and each event opened, before its result shows (or none). */
    private org.custos.trail.Looks looks;
    private SavedSearchesModel saved;
    private AuditFilter wantedFilter;

    public AuditViewModel(AuditStore store, Fhir fhir, TaskRunner tasks, ZoneId zone) {
        this(store, fhir, tasks, zone, (f, fmt, w, p, c) -> {
            throw new java.io.IOException("exporting is not wired here");
        });
    }

    /** As above, exporting through {@code writing}. */
    public AuditViewModel(AuditStore store, Fhir fhir, TaskRunner tasks, ZoneId zone,
                          AuditExportModel.Writing writing) {
        this.export = new AuditExportModel(writing, tasks);
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
                revealWanted(complete);
            }

            @Override
            public void pageLoaded(int page) {
                pagesLoaded.set(pagesLoaded.get() + 1);
            }

            @Override
            public void failed(Throwable t) {
                error.set(t.getMessage());
            }

            @Override
            public void swapping(boolean now) {
                swapping.set(now);
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
        String o = origin.get() == null || origin.get().equals(ANY_ORIGIN) ? null : origin.get();
        return new AuditFilter(f, t, agent.get(), patient.get(), entity.get(), type.get(), subtype.get(),
                action.get() == null ? null : action.get().code(), outcome.get() == null ? null : outcome.get().code(),
                source.get(), purpose.get(), text.get(), o, flaggedOnly.get(), includeOwn.get()).normalized();
    }

    /** Keeps named filter sets in {@code store} (see {@link #saved()}). */
    public AuditViewModel savedIn(SavedSearchesModel.Store store) {
        this.saved = new SavedSearchesModel(store, tasks, this);
        return this;
    }

    /** The saved searches, or null when none are kept (not wired). */
    public SavedSearchesModel saved() {
        return saved;
    }

    /** Tells Custos's own audit trail of each search and each event opened (before the result shows). */
    public AuditViewModel watchedBy(org.custos.trail.Looks trail) {
        this.looks = trail;
        return this;
    }

    /** Applies the filter fields. */
    public void search() {
        error.set("");
        applied = filter();
        matchText.set("Searching…");
        counting.set(true);
        AuditFilter f = applied;
        org.custos.trail.Looks l = looks;
        rows.reset(applied, ascending.get(), () -> {
            if (l != null) {
                l.query("audit browser search", f.toString(), f.patient() == null ? List.of()
                        : List.of(org.custos.trail.Looks.inOrigin(f.origin(), f.patient())));
            }
        });
        loadOrigins();
    }

    /**
     * Shows what is new in the cache (a sync stored a page) with the filter applied last, not what is typed in the
     * fields: the selection stays on its event and the detail pane stays as it is.
     */
    public void refresh() {
        rows.refresh(applied, ascending.get());
        loadOrigins();
    }

    private void loadOrigins() {
        tasks.submit(null, p -> store.originNames(), names -> {
            List<String> all = new java.util.ArrayList<>();
            all.add(ANY_ORIGIN);
            all.addAll(names);
            if (!all.equals(origins)) {
                String chosen = origin.get();
                origins.setAll(all);
                origin.set(chosen);
            }
        }, t -> error.set("Cannot list the origins: " + t.getMessage()));
    }

    /**
     * Shows one event from elsewhere (the past-access check): the filters are set to its origin and its day, and once
     * its row is listed {@link #revealProperty()} gives its position (the view selects it and scrolls to it).
     */
    public void show(long pk, String originName, java.time.Instant recorded) {
        resetFields();
        LocalDate day = recorded.atZone(zone).toLocalDate();
        from.set(day);
        to.set(day);
        origin.set(originName == null ? ANY_ORIGIN : originName);
        reveal.set(-1);
        wantedPk = pk;
        search();
        wantedFilter = applied;
    }

    /**
     * Lists the events about one resource from elsewhere (the Provenance review): every filter cleared but the entity
     * (a reference such as "Consent/1"; the entity filter matches references that start with it) and the origin.
     */
    public void showAbout(String entityRef, String originName) {
        resetFields();
        entity.set(entityRef == null ? "" : entityRef);
        origin.set(originName == null ? ANY_ORIGIN : originName);
        search();
    }

    private void revealWanted(boolean complete) {
        if (wantedPk < 0) {
            return;
        }
        int i = rows.indexOf(wantedPk);
        if (i >= 0) {
            wantedPk = -1;
            reveal.set(i);
        } else if (complete && applied.equals(wantedFilter)) {
            // (a search the fields' own events started with another filter does not end the wish)
            wantedPk = -1;
            error.set("That event is not in the cache any more.");
        }
    }

    /** The position of the row {@link #show} asked for, once listed; -1 otherwise. */
    public IntegerProperty revealProperty() { return reveal; }

    /** The export of the applied filter's events. */
    public AuditExportModel export() { return export; }

    /** Exports the events the applied filter finds to {@code file} (its ending chooses CSV, JSON or NDJSON). */
    public void exportTo(java.nio.file.Path file) {
        export.export(applied, matchCount.get(), file);
    }

    /** Exports in the format the user chose (the save dialog's file type), its ending added when missing. */
    public void exportTo(java.nio.file.Path file, AuditExportModel.Format format) {
        export.export(applied, matchCount.get(), AuditExportModel.withEnding(file, format), format);
    }

    /** Shows every event again. */
    public void clear() {
        resetFields();
        search();
    }

    private void resetFields() {
        from.set(null);
        to.set(null);
        for (StringProperty p : List.of(agent, patient, entity, type, subtype, source, purpose, text)) {
            p.set("");
        }
        action.set(ACTIONS.get(0));
        outcome.set(OUTCOMES.get(0));
        origin.set(ANY_ORIGIN);
        flaggedOnly.set(false);
        includeOwn.set(false);
    }

    public void toggleSort() {
        ascending.set(!ascending.get());
        search();
    }

    /** Shows the event at this row in the detail pane (loads it if needed). */
    public void select(int index) {
        if (swapping.get()) {
            return; // the table clears its selection while the rows are swapped; the view restores it after
        }
        if (index < 0 || index >= rows.size()) {
            selectedPk = -1;
            showDetail(null, "", "", "");
            return;
        }
        long pk = rows.pkAt(index);
        if (pk == selectedPk) {
            return; // the same event (a refresh kept it selected): its detail is shown already
        }
        selectedPk = pk;
        // nothing of the event selected before stays beside this one while it loads
        showDetail(null, "", "", "");
        tasks.submit(null, p -> loadDetail(pk), r -> {
            if (pk == selectedPk) {
                showDetail(r.tree(), r.json(), r.xml(), "");
            }
        }, t -> {
            if (pk == selectedPk) {
                showDetail(null, "", "", "Cannot show this event: " + t.getMessage());
            }
        });
    }

    private record Detail(DetailNode tree, String json, String xml) {
    }

    private Detail loadDetail(long pk) throws java.io.IOException {
        List<AuditStore.Version> versions = store.versions().versionsOf(pk);
        AuditStore.Version shown = versions.stream().filter(v -> v.pk() == pk).findFirst()
                .orElseThrow(() -> new IllegalStateException("This event is no longer in the cache."));
        if (looks != null) {
            List<String> patients = store.byPks(new long[]{pk}).stream().flatMap(r -> java.util.Arrays.stream(
                    r.patients().split("; "))).filter(x -> !x.isBlank())
                    .map(x -> org.custos.trail.Looks.inOrigin(shown.origin(), x)).toList();
            looks.read("audit event opened (origin " + shown.origin() + ")", org.custos.trail.Looks.inOrigin(
                    shown.origin(), "AuditEvent/" + shown.id()), patients);
        }
        String raw = shown.raw();
        DetailNode tree = details.build(raw);
        tree = withCacheSection(tree, shown, versions);
        String xml;
        try {
            xml = fhir.toXml(raw);
        } catch (RuntimeException e) {
            // the details and the JSON stay readable; only the XML view cannot be made
            xml = "This event cannot be written as STU3 XML: " + e.getMessage()
                    + "\n\nIts details and its JSON (as stored) are in the other tabs.";
        }
        return new Detail(tree, prettyJson(raw), xml);
    }

    private void showDetail(DetailNode tree, String json, String xml, String why) {
        detail.set(tree);
        detailJson.set(json);
        detailXml.set(xml);
        detailError.set(why);
    }

    /**
     * Adds "In the cache": the origin the event came from (demo data said so), its version, its flags, and every
     * kept version with what changed from the one before it.
     */
    private DetailNode withCacheSection(DetailNode tree, AuditStore.Version shown, List<AuditStore.Version> versions) {
        java.util.List<DetailNode> cacheInfo = new java.util.ArrayList<>();
        boolean demo = org.custos.cache.Origins.DEMO.equals(shown.origin());
        cacheInfo.add(DetailNode.leaf("origin", shown.origin() + (demo ? " (generated demo data, not real events)"
                : "")));
        if (shown.versionId() != null) {
            cacheInfo.add(DetailNode.leaf("versionId", shown.versionId()));
        }
        if (shown.lastUpdated() != null) {
            cacheInfo.add(DetailNode.leaf("lastUpdated", java.time.Instant.ofEpochMilli(shown.lastUpdated()).toString()));
        }
        String flags = org.custos.cache.State.describe(shown.state());
        if (!flags.isEmpty()) {
            cacheInfo.add(DetailNode.leaf("flags", flags + (shown.origin().startsWith("http") ? " on the server"
                    : " at its origin")));
        }
        if (versions.size() > 1) {
            java.util.List<DetailNode> list = new java.util.ArrayList<>();
            for (int i = 0; i < versions.size(); i++) {
                AuditStore.Version v = versions.get(i);
                java.util.List<DetailNode> changes = new java.util.ArrayList<>();
                if (i + 1 < versions.size()) {
                    for (JsonDiff.Change c : JsonDiff.between(versions.get(i + 1).raw(), v.raw())) {
                        changes.add(DetailNode.leaf(c.path(), c.toString().substring(c.path().length() + 2)));
                    }
                }
                String label = "version " + (v.versionId() == null ? "(no versionId)" : v.versionId())
                        + (v.current() ? " (current)" : "");
                String value = (v.lastUpdated() == null ? "" : "lastUpdated "
                        + java.time.Instant.ofEpochMilli(v.lastUpdated()) + " · ")
                        + (i + 1 < versions.size() ? changes.size() + " changes from the version below" : "first kept");
                list.add(new DetailNode(label, value, changes));
            }
            cacheInfo.add(new DetailNode("versions", versions.size() + " kept", list));
        }
        java.util.List<DetailNode> sections = new java.util.ArrayList<>(tree.children());
        sections.add(new DetailNode("In the cache", shown.origin() + (flags.isEmpty() ? "" : " · " + flags), cacheInfo));
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
        Set<String> out = new java.util.LinkedHashSet<>(3);
        if (row.failed()) {
            out.add(FAILURE_STYLE);
        }
        if (row.breakTheGlass()) {
            out.add(BREAK_THE_GLASS_STYLE);
        }
        if (row.flagged()) {
            out.add(FLAGGED_STYLE);
        }
        return Set.copyOf(out);
    }

    public StringProperty matchTextProperty() { return matchText; }

    public IntegerProperty matchCountProperty() { return matchCount; }

    public BooleanProperty countingProperty() { return counting; }

    public IntegerProperty pagesLoadedProperty() { return pagesLoaded; }

    public StringProperty errorProperty() { return error; }

    public ObjectProperty<DetailNode> detailProperty() { return detail; }

    public StringProperty detailJsonProperty() { return detailJson; }

    public StringProperty detailXmlProperty() { return detailXml; }

    public StringProperty detailErrorProperty() { return detailError; }

    /** "Any origin" and the name of every origin in the cache, for the origin filter. */
    public javafx.collections.ObservableList<String> origins() { return origins; }

    /** The origin as the table shows it: the demo data says it is generated. */
    public static String originLabel(AuditSummary row) {
        return org.custos.cache.Origins.DEMO.equals(row.origin()) ? "demo (generated)" : row.origin();
    }


    /** True while a refresh swaps the rows (see {@link #refresh}). */
    public BooleanProperty swappingProperty() { return swapping; }

    /** The primary key of the row at this position (to find the same event again after a refresh). */
    public long pkAt(int index) {
        return index >= 0 && index < rows.size() ? rows.pkAt(index) : -1;
    }

    /** The position of the row with this primary key, or -1. */
    public int indexOfPk(long pk) {
        return pk < 0 ? -1 : rows.indexOf(pk);
    }

    public ZoneId zone() { return zone; }
}
