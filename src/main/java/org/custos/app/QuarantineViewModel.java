package org.custos.app;

import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.QuarantineItem;
import org.custos.cache.QuarantineStore;
import org.custos.ui.TaskRunner;

/** What could not be imported: the newest 1,000 items, with reason, source and content. */
public final class QuarantineViewModel {
    private final QuarantineStore store;
    private final TaskRunner tasks;
    private final ObservableList<QuarantineItem> items = FXCollections.observableArrayList();
    private final StringProperty title = new SimpleStringProperty("Quarantine");
    private final StringProperty content = new SimpleStringProperty("");

    public QuarantineViewModel(QuarantineStore store, TaskRunner tasks) {
        this.store = store;
        this.tasks = tasks;
    }

    public void refresh() {
        tasks.submit(null, p -> new Object[]{store.latest(1000), store.count()}, r -> {
            @SuppressWarnings("unchecked")
            var list = (java.util.List<QuarantineItem>) r[0];
            items.setAll(list);
            long n = (Long) r[1];
            title.set(n == 0 ? "Quarantine" : "Quarantine (" + n + ")");
        }, t -> title.set("Quarantine (unreadable: " + t.getMessage() + ")"));
    }

    public void select(QuarantineItem item) {
        content.set(item == null ? "" : item.content());
    }

    public ObservableList<QuarantineItem> items() { return items; }

    public StringProperty titleProperty() { return title; }

    public StringProperty contentProperty() { return content; }
}
