package org.custos.app;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.QuarantineItem;
import org.custos.cache.QuarantineStore;
import org.custos.sync.Importer;
import org.custos.ui.TaskRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What could not be imported: every item, a page of 500 at a time (Load more), filtered by origin and by a text in
 * the reason; the selected item's content; Retry (import it again, e.g. after the file was repaired) and Delete.
 */
public final class QuarantineViewModel {
    static final int PAGE = 500;
    public static final String ANY_ORIGIN = "Any origin";
    private final QuarantineStore store;
    private final Importer importer;
    private final Supplier<List<String>> originNames;
    private final TaskRunner tasks;
    private final ObservableList<QuarantineItem> items = FXCollections.observableArrayList();
    private final ObservableList<String> origins = FXCollections.observableArrayList(ANY_ORIGIN);
    private final StringProperty title = new SimpleStringProperty("Quarantine");
    private final StringProperty content = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    public final StringProperty origin = new SimpleStringProperty(ANY_ORIGIN);
    public final StringProperty reason = new SimpleStringProperty("");
    private final BooleanProperty more = new SimpleBooleanProperty(false);
    private QuarantineStore.Query applied = QuarantineStore.Query.ALL;
    private Runnable cacheChanged = () -> { };

    public QuarantineViewModel(QuarantineStore store, Importer importer, Supplier<List<String>> originNames,
                               TaskRunner tasks) {
        this.store = store;
        this.importer = importer;
        this.originNames = originNames;
        this.tasks = tasks;
    }

    /** What to read again after a retry imported something (the browser, the counts). */
    void onCacheChanged(Runnable r) {
        this.cacheChanged = r;
    }

    /** Applies the origin and reason filters. */
    public void apply() {
        String o = origin.get() == null || origin.get().equals(ANY_ORIGIN) ? null : origin.get();
        applied = new QuarantineStore.Query(o, reason.get());
        refresh();
    }

    /** Reads the first page of the applied filter again, the count and the origins. */
    public void refresh() {
        QuarantineStore.Query q = applied;
        tasks.submit(null, p -> new Loaded(store.page(q, Long.MAX_VALUE, PAGE), store.count(q),
                store.count(QuarantineStore.Query.ALL), originNames.get()), r -> {
            items.setAll(r.items());
            more.set(r.items().size() == PAGE);
            title.set(r.all() == 0 ? "Quarantine" : "Quarantine (" + r.all() + ")");
            summary.set(r.matching() == r.all() ? String.format("%,d items", r.all())
                    : String.format("%,d of %,d items", r.matching(), r.all()));
            List<String> all = new ArrayList<>();
            all.add(ANY_ORIGIN);
            all.addAll(r.origins());
            if (!all.equals(origins)) {
                String chosen = origin.get();
                origins.setAll(all);
                origin.set(chosen);
            }
        }, t -> title.set("Quarantine (unreadable: " + t.getMessage() + ")"));
    }

    private record Loaded(List<QuarantineItem> items, long matching, long all, List<String> origins) {
    }

    /** The next page of the applied filter. */
    public void loadMore() {
        if (items.isEmpty()) {
            return;
        }
        long after = items.get(items.size() - 1).id();
        QuarantineStore.Query q = applied;
        tasks.submit(null, p -> store.page(q, after, PAGE), page -> {
            items.addAll(page);
            more.set(page.size() == PAGE);
        }, t -> message.set("Cannot read the quarantine: " + t.getMessage()));
    }

    public void select(QuarantineItem item) {
        content.set(item == null ? "" : item.content());
    }

    /** Removes these items from the quarantine (after the user confirmed). */
    public void delete(List<QuarantineItem> chosen) {
        if (chosen == null || chosen.isEmpty()) {
            return;
        }
        List<Long> ids = chosen.stream().map(QuarantineItem::id).toList();
        tasks.submit(null, p -> store.delete(ids), n -> {
            message.set("Deleted " + n + " item" + (n == 1 ? "" : "s") + " from the quarantine.");
            refresh();
        }, t -> message.set("Cannot delete: " + t.getMessage()));
    }

    /** Imports the item again; it leaves the quarantine when everything in it can be read now. */
    public void retry(QuarantineItem item) {
        if (item == null) {
            return;
        }
        tasks.submit("Retrying a quarantined item", p -> importer.retry(item), r -> {
            message.set(r.message());
            refresh();
            if (r.imported()) {
                cacheChanged.run();
            }
        }, t -> message.set("The retry failed: " + t.getMessage()));
    }

    public ObservableList<QuarantineItem> items() { return items; }

    public ObservableList<String> origins() { return origins; }

    public StringProperty titleProperty() { return title; }

    public StringProperty contentProperty() { return content; }

    public StringProperty summaryProperty() { return summary; }

    public StringProperty messageProperty() { return message; }

    public BooleanProperty moreProperty() { return more; }
}
